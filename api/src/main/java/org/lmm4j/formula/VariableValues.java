package org.lmm4j.formula;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Collectors;
import org.lmm4j.api.InputException;
import org.lmm4j.data.NumberCells;

/**
 * The values of a numeric formula variable over the rows of the table, as R's {@code model.frame} evaluates them:
 * columns, numbers and {@code pi}, the arithmetic {@code + - * / ^}, element-wise functions ({@code log} with an
 * optional base, {@code exp sqrt abs sin cos tan log2 log10 log1p expm1}, {@code I}) and the two functions of the whole
 * column: {@code scale(x, center, scale)} ((x − x̄)/s with s² = Σ(x − x̄)²/(n − 1); without centring the root mean
 * square Σx²/(n − 1), as R) and {@code poly(x, degree, raw)} ({@link OrthogonalPolynomials}, or the plain powers with
 * {@code raw = TRUE}). Like R, the whole-column functions use every row where their argument is defined, before rows
 * missing another value of the model are dropped. A value that is not a finite number on a row the model uses
 * ({@code log(0)}, {@code sqrt(-1)}, {@code 1/0}) is an error naming the row, the expression and its inputs.
 */
final class VariableValues {

    /** A numeric variable's design columns by file row (NaN where undefined) and the suffixes of their names. */
    record Values(double[][] columns, List<String> suffixes) {
    }

    /** The numeric columns of the table by file row (NaN where missing); null for a column the table lacks. */
    interface Source {
        double[] column(String name);
    }

    private final Source source;
    private final boolean[] used;
    private final int rows;
    private final CompileMessages messages;
    private Variable variable;

    private VariableValues(Source source, boolean[] used, CompileMessages messages) {
        this.source = source;
        this.used = used;
        this.rows = used.length;
        this.messages = messages;
    }

    /**
     * The columns of a numeric variable.
     *
     * @param used  the rows the model uses (where a value must be finite)
     * @throws InputException for a value that is not finite on a used row, or a poly/scale that cannot be formed
     */
    static Values of(Variable v, Source source, boolean[] used, CompileMessages messages) {
        VariableValues e = new VariableValues(source, used, messages);
        e.variable = v;
        if (v.expression() instanceof Expression.Call c && c.function().equals("poly")) {
            return e.poly(c);
        }
        return new Values(new double[][] {e.eval(v.expression())}, List.of(""));
    }

    /** Whether an expression's values depend on the whole column ({@code poly}, {@code scale}). */
    static boolean dataDependent(Expression e) {
        if (e instanceof Expression.Call c) {
            return c.function().equals("poly") || c.function().equals("scale")
                    || c.arguments().stream().anyMatch(a -> dataDependent(a.value()));
        }
        if (e instanceof Expression.Binary b) {
            return dataDependent(b.left()) || dataDependent(b.right());
        }
        if (e instanceof Expression.Unary u) {
            return dataDependent(u.operand());
        }
        return e instanceof Expression.Paren p && dataDependent(p.inner());
    }

    private double[] eval(Expression e) {
        double[] out;
        if (e instanceof Expression.Column c) {
            double[] v = source.column(c.name());
            if (v == null) { // only pi may be absent (the compiler checked the other names)
                v = constant(Math.PI);
            }
            out = v;
        } else if (e instanceof Expression.Number n) {
            out = constant(n.value());
        } else if (e instanceof Expression.Logical l) {
            out = constant(l.value() ? 1 : 0);
        } else if (e instanceof Expression.Paren p) {
            out = eval(p.inner());
        } else if (e instanceof Expression.Unary u) {
            out = u.operator() == '-' ? map(eval(u.operand()), x -> -x) : eval(u.operand());
        } else if (e instanceof Expression.Binary b) {
            DoubleBinaryOperator op = switch (b.operator()) {
                case '+' -> Double::sum;
                case '-' -> (x, y) -> x - y;
                case '*' -> (x, y) -> x * y;
                case '/' -> (x, y) -> x / y;
                default -> Math::pow;
            };
            double[] l = eval(b.left());
            double[] r = eval(b.right());
            out = new double[rows];
            for (int i = 0; i < rows; i++) {
                out[i] = op.applyAsDouble(l[i], r[i]);
            }
        } else {
            out = call((Expression.Call) e);
        }
        check(e, out);
        return out;
    }

    private double[] call(Expression.Call c) {
        double[] x = eval(c.arguments().get(0).value());
        return switch (c.function()) {
            case "I" -> x;
            case "log" -> {
                if (c.arguments().size() == 1) {
                    yield map(x, Math::log);
                }
                double[] base = eval(c.arguments().get(1).value());
                double[] v = new double[rows];
                for (int i = 0; i < rows; i++) {
                    v[i] = Math.log(x[i]) / Math.log(base[i]);
                }
                yield v;
            }
            case "exp" -> map(x, Math::exp);
            case "sqrt" -> map(x, Math::sqrt);
            case "abs" -> map(x, Math::abs);
            case "sin" -> map(x, Math::sin);
            case "cos" -> map(x, Math::cos);
            case "tan" -> map(x, Math::tan);
            case "log2" -> map(x, v -> Math.log(v) / Math.log(2));
            case "log10" -> map(x, Math::log10);
            case "log1p" -> map(x, Math::log1p);
            case "expm1" -> map(x, Math::expm1);
            case "scale" -> scale(c, x);
            default -> throw new IllegalStateException("function " + c.function() + " passed the parser");
        };
    }

    /** R's {@code scale(x, center, scale)} over the rows where x is finite. */
    private double[] scale(Expression.Call c, double[] x) {
        boolean center = flag(c, "center", 1);
        boolean scale = flag(c, "scale", 2);
        int n = 0;
        double mean = 0;
        for (double v : x) {
            if (Double.isFinite(v)) {
                n++;
                mean += (v - mean) / n;
            }
        }
        double shift = center ? mean : 0;
        double ss = 0;
        for (double v : x) {
            if (Double.isFinite(v)) {
                ss += (v - shift) * (v - shift);
            }
        }
        double s = scale ? Math.sqrt(ss / Math.max(1, n - 1)) : 1;
        if (!(s > 0)) {
            throw new InputException("formula error: " + c.deparse() + " divides by the spread of "
                    + c.arguments().get(0).value().deparse() + ", which is constant, in " + messages.formula());
        }
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = (x[i] - shift) / s;
        }
        return out;
    }

    /** R's {@code poly(x, degree, raw)}: orthonormal (or raw) powers 1..degree over the rows where x is finite. */
    private Values poly(Expression.Call c) {
        Expression arg = null;
        int degree = 1;
        boolean raw = false;
        List<Expression.Argument> args = c.arguments();
        for (int i = 0; i < args.size(); i++) {
            Expression.Argument a = args.get(i);
            String role = a.name() != null ? a.name() : List.of("x", "degree", "raw").get(i);
            switch (role) {
                case "x" -> arg = a.value();
                case "degree" -> degree = (int) ((Expression.Number) a.value()).value();
                default -> raw = ((Expression.Logical) a.value()).value();
            }
        }
        double[] x = eval(arg);
        int[] defined = new int[rows];
        int n = 0;
        for (int i = 0; i < rows; i++) {
            if (Double.isFinite(x[i])) {
                defined[n++] = i;
            }
        }
        double[] xs = new double[n];
        for (int k = 0; k < n; k++) {
            xs[k] = x[defined[k]];
        }
        double[][] columns = new double[degree][rows];
        for (double[] col : columns) {
            Arrays.fill(col, Double.NaN);
        }
        if (raw) {
            for (int k = 0; k < n; k++) {
                double p = 1;
                for (int j = 0; j < degree; j++) {
                    p *= xs[k];
                    columns[j][defined[k]] = p;
                }
            }
        } else {
            double[][] q = OrthogonalPolynomials.of(xs, degree);
            if (q == null) {
                throw new InputException("formula error: in " + c.deparse() + " the degree " + degree
                        + " must be less than the number of distinct values of " + arg.deparse() + " in "
                        + messages.formula());
            }
            for (int j = 0; j < degree; j++) {
                for (int k = 0; k < n; k++) {
                    columns[j][defined[k]] = q[j][k];
                }
            }
        }
        List<String> suffixes = new ArrayList<>();
        for (int j = 1; j <= degree; j++) {
            suffixes.add(Integer.toString(j));
        }
        for (double[] col : columns) {
            check(c, col);
        }
        return new Values(columns, suffixes);
    }

    private static boolean flag(Expression.Call c, String name, int position) {
        List<Expression.Argument> args = c.arguments();
        for (int i = 1; i < args.size(); i++) {
            Expression.Argument a = args.get(i);
            if (name.equals(a.name()) || (a.name() == null && i == position)) {
                return ((Expression.Logical) a.value()).value();
            }
        }
        return true;
    }

    /** An error at the first used row where {@code e} is not a finite number. */
    private void check(Expression e, double[] values) {
        for (int row = 0; row < rows; row++) {
            final int r = row;
            if (used[r] && !Double.isFinite(values[r])) {
                String inputs = e.columns().stream().filter(name -> source.column(name) != null)
                        .map(name -> Expression.quoted(name) + " = " + NumberCells.format(source.column(name)[r]))
                        .collect(Collectors.joining(", "));
                String value = Double.isNaN(values[r]) ? "NaN" : values[r] > 0 ? "Inf" : "-Inf";
                throw new InputException(messages.row(r) + ": " + e.deparse() + " is " + value
                        + (inputs.isEmpty() ? "" : " (" + inputs + ")") + " in the variable " + variable.label()
                        + " of " + messages.formula() + "; every value the model uses must be a finite number");
            }
        }
    }

    private double[] constant(double v) {
        double[] out = new double[rows];
        Arrays.fill(out, v);
        return out;
    }

    private static double[] map(double[] x, DoubleUnaryOperator f) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = f.applyAsDouble(x[i]);
        }
        return out;
    }
}
