package org.lmm4j.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Options every estimator understands, with the shared finishing step and the tolerances of the optimisation core.
 *
 * @param maxIterations  iteration limit (outer iterations)
 * @param tolerance      convergence tolerance on the relative change of the criterion
 * @param accelerate     use the estimator's acceleration where it has one (EM: SQUAREM)
 * @param constrainPsd   keep Ω positive semi-definite (lme4/nlme); false lets Ω be any matrix that keeps V_i positive definite
 * @param progress       called after every iteration (logging, progress bars); never null
 * @param finish         what runs after the estimator's own iterations (Newton by default; NONE for the bare algorithm)
 * @param control        the tolerances of the optimisation core
 */
public record FitOptions(int maxIterations, double tolerance, boolean accelerate, boolean constrainPsd,
                         Consumer<IterationRecord> progress, Finish finish, Control control) {

    public FitOptions {
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be at least 1");
        }
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("tolerance must be positive");
        }
        progress = progress == null ? r -> { } : progress;
        finish = finish == null ? Finish.NEWTON : finish;
        control = control == null ? Control.defaults() : control;
    }

    /** Options with the default finish (Newton) and control. */
    public FitOptions(int maxIterations, double tolerance, boolean accelerate, boolean constrainPsd,
                      Consumer<IterationRecord> progress) {
        this(maxIterations, tolerance, accelerate, constrainPsd, progress, Finish.NEWTON, Control.defaults());
    }

    /** Defaults: 1000 iterations, tolerance 1e-10, acceleration on, Ω positive semi-definite, Newton finish. */
    public static FitOptions defaults() {
        return new FitOptions(1000, 1e-10, true, true, null);
    }

    public FitOptions withMaxIterations(int n) {
        return new FitOptions(n, tolerance, accelerate, constrainPsd, progress, finish, control);
    }

    public FitOptions withTolerance(double t) {
        return new FitOptions(maxIterations, t, accelerate, constrainPsd, progress, finish, control);
    }

    public FitOptions withAccelerate(boolean a) {
        return new FitOptions(maxIterations, tolerance, a, constrainPsd, progress, finish, control);
    }

    public FitOptions withConstrainPsd(boolean c) {
        return new FitOptions(maxIterations, tolerance, accelerate, c, progress, finish, control);
    }

    public FitOptions withProgress(Consumer<IterationRecord> p) {
        return new FitOptions(maxIterations, tolerance, accelerate, constrainPsd, p, finish, control);
    }

    public FitOptions withFinish(Finish f) {
        return new FitOptions(maxIterations, tolerance, accelerate, constrainPsd, progress, f, control);
    }

    public FitOptions withControl(Control c) {
        return new FitOptions(maxIterations, tolerance, accelerate, constrainPsd, progress, finish, c);
    }

    /** The settings by name (everything but the progress callback), for {@code --verbose} and the provenance. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("maxIterations", maxIterations);
        m.put("tolerance", tolerance);
        m.put("accelerate", accelerate);
        m.put("constrainPsd", constrainPsd);
        m.put("finish", finish.name().toLowerCase(java.util.Locale.ROOT));
        control.asMap().forEach((k, v) -> m.put("control." + k, v));
        return m;
    }
}
