package org.lmm4j.newton;

import java.util.ServiceLoader;
import org.lmm4j.api.CovarianceStructure;

/** The covariance structures on the test class path, by name (ServiceLoader, as the application finds them). */
final class Structures {

    private Structures() {
    }

    static CovarianceStructure named(String name) {
        for (CovarianceStructure s : ServiceLoader.load(CovarianceStructure.class)) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no covariance structure named " + name);
    }
}
