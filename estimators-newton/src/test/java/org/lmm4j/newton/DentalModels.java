package org.lmm4j.newton;

import org.lmm4j.api.Method;
import org.lmm4j.api.MixedModel;
import org.lmm4j.formula.CompileOptions;
import org.lmm4j.formula.CompiledModel;
import org.lmm4j.testkit.Dental;

/** The Potthoff–Roy dental models of the paper's Table 1 (time = age, groups = Subject), from the shared fixture. */
final class DentalModels {

    static final String EQUAL = "distance ~ age";
    static final String GENDER = "distance ~ Sex*age";
    static final String FREE = "distance ~ 0 + Subject + Subject:age";
    static final String RANDOM = " + (age | Subject)";

    private DentalModels() {
    }

    static CompiledModel compile(String formula) {
        return Dental.compile(formula, new CompileOptions("age", "Subject"));
    }

    /** The model with Σ of the named structure over the ages and, with a random term, Ω as the formula asks. */
    static MixedModel model(String formula, String sigma, Method method) {
        CompiledModel cm = compile(formula);
        return new MixedModel(cm.data(), Structures.named(sigma),
                cm.omegaStructure() == null ? null : Structures.named(cm.omegaStructure()), method);
    }
}
