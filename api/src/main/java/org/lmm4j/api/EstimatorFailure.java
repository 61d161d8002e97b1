package org.lmm4j.api;

/**
 * A plug-in (estimator or covariance structure) threw where it should have reported a status: a programming error,
 * never numerical trouble. The host reports it with the plug-in's name (the command line: exit status 1, the stack
 * trace under {@code --verbose}); it is never turned into a quiet FAILED.
 */
public class EstimatorFailure extends RuntimeException {

    public EstimatorFailure(String estimator, RuntimeException cause) {
        super("estimator '" + estimator + "' failed: " + cause, cause);
    }
}
