package org.lmm4j.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.Estimator;

/**
 * The plug-ins on the test class path, found the way the application finds them ({@link ServiceLoader}),
 * so the test kit runs against whatever estimators and structures a module (or a user's plug-in) brings.
 */
public final class Discovered {

    private Discovered() {
    }

    /** Every {@link CovarianceStructure} on the class path, in discovery order. */
    public static List<CovarianceStructure> structures() {
        List<CovarianceStructure> out = new ArrayList<>();
        ServiceLoader.load(CovarianceStructure.class).forEach(out::add);
        return out;
    }

    /** Every {@link Estimator} on the class path, in discovery order. */
    public static List<Estimator> estimators() {
        List<Estimator> out = new ArrayList<>();
        ServiceLoader.load(Estimator.class).forEach(out::add);
        return out;
    }

    /** The structure of that name; fails the test clearly when it is not on the class path. */
    public static CovarianceStructure structure(String name) {
        for (CovarianceStructure s : structures()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalStateException("no covariance structure named '" + name + "' on the test class path"
                + " (add lmm4j-covariance-structures as a test dependency)");
    }

    /** True when a structure of that name is on the class path. */
    public static boolean hasStructure(String name) {
        return structures().stream().anyMatch(s -> s.name().equals(name));
    }
}
