package org.lmm4j.app;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.lmm4j.api.CovarianceStructure;
import org.lmm4j.api.Estimator;
import org.lmm4j.api.InputException;

/**
 * Every estimator and covariance structure found on the class path, by name. Built once, by the
 * Guice module from {@link java.util.ServiceLoader}; commands receive it by injection.
 */
public record Plugins(SortedMap<String, Estimator> estimators, SortedMap<String, CovarianceStructure> structures) {

    public Plugins {
        estimators = new TreeMap<>(estimators);
        structures = new TreeMap<>(structures);
    }

    /** The estimator of that name, or a one-line input error listing the known ones. */
    public Estimator estimator(String name) {
        Estimator e = estimators.get(name);
        if (e == null) {
            throw new InputException("unknown estimator '" + name + "'; known: " + String.join(", ", estimators.keySet()));
        }
        return e;
    }

    /** The structure of that name, or a one-line input error listing the known ones. */
    public CovarianceStructure structure(String name) {
        CovarianceStructure s = structures.get(name);
        if (s == null) {
            throw new InputException("unknown covariance structure '" + name + "'; known: "
                    + String.join(", ", structures.keySet()));
        }
        return s;
    }

    static Plugins of(Map<String, Estimator> e, Map<String, CovarianceStructure> s) {
        return new Plugins(new TreeMap<>(e), new TreeMap<>(s));
    }
}
