package org.lmm4j.formula;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An R expression inside a formula variable: {@code age}, {@code log(age)}, {@code I(age^2)}, {@code poly(age, 2)},
 * {@code scale(x)}. Operators and calls are kept as written (parentheses included), so that {@link #deparse()} gives
 * the text R's {@code deparse} gives and thus the column names of R's {@code model.matrix}: binary {@code + - *} with
 * blanks around them, {@code / ^} without, {@code f(a, b = c)}, numbers as R prints them ({@code 1e+05},
 * {@code 0.001}), names that are not syntactic in backticks. Equal expressions are the same variable (R compares
 * variables by their deparsed text).
 */
public sealed interface Expression {

    /** The expression as R deparses it. */
    String deparse();

    /** The data columns the expression reads, in order of appearance. */
    default Set<String> columns() {
        Set<String> out = new LinkedHashSet<>();
        collectColumns(out);
        return out;
    }

    /** Adds the columns read to {@code out}. */
    void collectColumns(Set<String> out);

    /** A column of the data (or, when the data has no such column, the constant {@code pi}). */
    record Column(String name) implements Expression {
        @Override
        public String deparse() {
            return quoted(name);
        }

        @Override
        public void collectColumns(Set<String> out) {
            out.add(name);
        }
    }

    /** A numeric constant written in the formula. */
    record Number(double value) implements Expression {
        @Override
        public String deparse() {
            return formatNumber(value);
        }

        @Override
        public void collectColumns(Set<String> out) {
        }
    }

    /** {@code TRUE} or {@code FALSE} (arguments such as {@code raw = TRUE}), spelt as written. */
    record Logical(boolean value, String text) implements Expression {
        @Override
        public String deparse() {
            return text;
        }

        @Override
        public void collectColumns(Set<String> out) {
        }
    }

    /** An argument of a call, named ({@code degree = 2}) or positional (name null). */
    record Argument(String name, Expression value) {
        String deparse() {
            return name == null ? value.deparse() : quoted(name) + " = " + value.deparse();
        }
    }

    /** A function call {@code f(a, b = c)}. */
    record Call(String function, List<Argument> arguments) implements Expression {
        public Call {
            arguments = List.copyOf(arguments);
        }

        @Override
        public String deparse() {
            return function + "(" + arguments.stream().map(Argument::deparse).collect(Collectors.joining(", ")) + ")";
        }

        @Override
        public void collectColumns(Set<String> out) {
            arguments.forEach(a -> a.value().collectColumns(out));
        }
    }

    /** Unary {@code -} or {@code +}. */
    record Unary(char operator, Expression operand) implements Expression {
        @Override
        public String deparse() {
            return operator + operand.deparse();
        }

        @Override
        public void collectColumns(Set<String> out) {
            operand.collectColumns(out);
        }
    }

    /** Binary arithmetic: {@code + - * / ^}. */
    record Binary(char operator, Expression left, Expression right) implements Expression {
        @Override
        public String deparse() {
            String op = operator == '/' || operator == '^' ? String.valueOf(operator) : " " + operator + " ";
            return left.deparse() + op + right.deparse();
        }

        @Override
        public void collectColumns(Set<String> out) {
            left.collectColumns(out);
            right.collectColumns(out);
        }
    }

    /** Parentheses as written: {@code (x + 1)}. */
    record Paren(Expression inner) implements Expression {
        @Override
        public String deparse() {
            return "(" + inner.deparse() + ")";
        }

        @Override
        public void collectColumns(Set<String> out) {
            inner.collectColumns(out);
        }
    }

    /** R's syntactic names: a letter, or a dot not followed by a digit, then letters, digits, dots, underscores. */
    Pattern SYNTACTIC = Pattern.compile("(\\p{L}|\\.(?![0-9]))[\\p{L}\\p{N}._]*");

    /** R's reserved words, which deparse in backticks. */
    Set<String> RESERVED = Set.of("if", "else", "repeat", "while", "function", "for", "next", "break", "TRUE", "FALSE",
            "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_", "NA_character_", "in");

    /** A name as R deparses it: as it is when syntactic, else in backticks. */
    static String quoted(String name) {
        return SYNTACTIC.matcher(name).matches() && !RESERVED.contains(name) ? name : "`" + name + "`";
    }

    /**
     * A number as R prints it (15 significant digits, R's {@code formatReal}): fixed notation unless scientific is
     * shorter ({@code 1e+05}, {@code 1e-04}, but {@code 123456} and {@code 0.001}).
     */
    static String formatNumber(double v) {
        if (v == 0) {
            return "0";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Inf" : "-Inf";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(15)).stripTrailingZeros();
        boolean negative = d.signum() < 0;
        String digits = d.unscaledValue().abs().toString();
        int sig = digits.length();
        int exponent = sig - 1 - d.scale(); // the power of ten of the first digit
        int neg = negative ? 1 : 0;
        int sciWidth = neg + (sig > 1 ? sig + 1 : 1) + (Math.abs(exponent) >= 100 ? 5 : 4);
        int right = Math.max(0, sig - exponent - 1);
        int fixedWidth = neg + (exponent >= 0 ? exponent + 1 : 1) + (right > 0 ? right + 1 : 0);
        if (fixedWidth <= sciWidth) {
            return d.toPlainString();
        }
        String mantissa = sig > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
        String e = String.format("%02d", Math.abs(exponent));
        return (negative ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + e;
    }
}
