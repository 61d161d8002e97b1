package org.lmm4j.alternating;

import java.util.ServiceLoader;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.formula.CompileOptions;
import org.lmm4j.formula.CompiledModel;
import org.lmm4j.testkit.Dental;

/** The paper's Table 1 models on the dental data: occasions = age, groups = Subject. */
final class DentalModels {

    static final String EQUAL = "distance ~ age";
    static final String GENDER = "distance ~ Sex*age";
    static final String FREE = "distance ~ 0 + Subject + Subject:age";
    static final String RANDOM = " + (age | Subject)";

    private DentalModels() {
    }

    /** A covariance structure found through the ServiceLoader, by name. */
    static CovarianceStructure structure(String name) {
        for (CovarianceStructure s : ServiceLoader.load(CovarianceStructure.class)) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalStateException("no covariance structure named " + name);
    }

    /** The dental model for a formula with the named Σ structure. */
    static MixedModel model(String formula, String sigma, Method method) {
        CompiledModel cm = Dental.compile(formula, new CompileOptions("age", "Subject"));
        CovarianceStructure omega = cm.omegaStructure() == null ? null : structure(cm.omegaStructure());
        return new MixedModel(cm.data(), structure(sigma), omega, method);
    }
}
