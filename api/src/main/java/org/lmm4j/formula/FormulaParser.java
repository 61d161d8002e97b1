package org.lmm4j.formula;

import org.lmm4j.api.InputException;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Recursive-descent parser for the lme4 formula grammar of {@link Formula}. Terms are kept as sets of
 * variable indices (variables numbered in order of first appearance), so that {@code a*b = a + b + a:b},
 * {@code a:a = a} and {@code - term} are plain set operations, as in R's {@code terms()}.
 * Every error names the offending token and its 1-based column.
 */
final class FormulaParser {

    private enum Kind { NAME, NUMBER, TILDE, PLUS, MINUS, STAR, COLON, LPAREN, RPAREN, BAR, DBAR, END }

    private record Token(Kind kind, String text, int pos) {
        String describe() {
            return kind == Kind.END ? "end of formula" : "\"" + text + "\"";
        }
    }

    /** Where a sum is parsed: the fixed part, inside a random term, or inside parentheses of a product. */
    private enum Context { TOP, RANDOM, NESTED }

    /** The value of a sum: its terms (ordered, distinct) and what it says about the intercept (null: nothing). */
    private static final class Sum {
        final LinkedHashSet<BitSet> terms = new LinkedHashSet<>();
        Boolean intercept;
    }

    private final String text;
    private final List<Token> tokens;
    private int at;
    private final Map<Variable, Integer> variableIndex = new HashMap<>();
    private final List<Variable> variables = new ArrayList<>();
    private final Map<String, Integer> positions = new LinkedHashMap<>();
    private RandomTerm random;
    /** Parentheses open around the atom being parsed; bounded so that the recursive descent cannot overflow the stack. */
    private int depth;

    /** The deepest nesting of parentheses accepted, far beyond any real formula. */
    static final int MAX_DEPTH = 200;

    FormulaParser(String text) {
        this.text = text == null ? "" : text;
        this.tokens = tokenize(this.text);
    }

    Formula parse() {
        Token first = peek();
        if (first.kind == Kind.END) {
            throw error(first.pos, "empty formula");
        }
        if (first.kind == Kind.TILDE) {
            throw error(first.pos, "missing response before \"~\"");
        }
        if (first.kind != Kind.NAME) {
            throw error(first.pos, "expected the response column, found " + first.describe());
        }
        next();
        String response = first.text;
        mention(response, first.pos);
        Token tilde = next();
        if (tilde.kind != Kind.TILDE) {
            if (tilde.kind == Kind.LPAREN) {
                throw error(tilde.pos, "transformations of the response such as " + response + "(...) are not supported");
            }
            throw error(tilde.pos, "expected \"~\" after the response, found " + tilde.describe());
        }
        Sum sum = parseSum(Context.TOP);
        Token end = peek();
        if (end.kind != Kind.END) {
            if (end.kind == Kind.RPAREN) {
                throw error(end.pos, "unbalanced parenthesis");
            }
            throw error(end.pos, "unexpected " + end.describe());
        }
        boolean intercept = sum.intercept == null || sum.intercept;
        return new Formula(text, response, intercept, toTerms(sum.terms), random, positions);
    }

    // ---------------------------------------------------------------- grammar

    private Sum parseSum(Context context) {
        Sum sum = new Sum();
        boolean firstSummand = true;
        while (true) {
            Token t = peek();
            boolean minus = false;
            if (t.kind == Kind.PLUS || t.kind == Kind.MINUS) {
                minus = t.kind == Kind.MINUS;
                next();
            } else if (!firstSummand) {
                return sum;
            }
            summand(sum, context, minus);
            firstSummand = false;
        }
    }

    private void summand(Sum sum, Context context, boolean minus) {
        Token t = peek();
        switch (t.kind) {
            case NUMBER -> {
                next();
                if (context == Context.NESTED) {
                    throw error(t.pos, "the number " + t.text + " can only stand alone as a term (0 or 1 for the intercept)");
                }
                boolean one = isNumber(t.text, 1);
                if (!one && !isNumber(t.text, 0)) {
                    throw error(t.pos, "unexpected number " + t.text + " (only 0 and 1, for the intercept, may appear)");
                }
                // "1" and "- 0" ask for the intercept, "0" and "- 1" remove it.
                sum.intercept = one != minus;
            }
            case LPAREN -> {
                if (isRandomTerm(at)) {
                    if (context != Context.TOP) {
                        throw error(t.pos, "a random term cannot appear inside another term");
                    }
                    if (minus) {
                        throw error(t.pos, "a random term cannot be subtracted");
                    }
                    parseRandom();
                    Token after = peek();
                    if (after.kind == Kind.STAR || after.kind == Kind.COLON) {
                        throw error(after.pos, "a random term cannot be part of a product or interaction");
                    }
                } else {
                    addProduct(sum, minus);
                }
            }
            case END -> throw error(t.pos, "unexpected end of formula, expected a term");
            default -> addProduct(sum, minus);
        }
    }

    private void addProduct(Sum sum, boolean minus) {
        List<BitSet> product = parseProduct();
        if (minus) {
            product.forEach(sum.terms::remove);
        } else {
            sum.terms.addAll(product);
        }
    }

    private void parseRandom() {
        Token open = next(); // '('
        if (random != null) {
            throw error(open.pos, "only one random term is supported, found a second one");
        }
        Sum inner = parseSum(Context.RANDOM);
        Token bar = next();
        if (bar.kind != Kind.BAR && bar.kind != Kind.DBAR) {
            throw error(bar.pos, "expected \"|\" or \"||\" in the random term, found " + bar.describe());
        }
        Token group = next();
        if (group.kind != Kind.NAME) {
            throw error(group.pos, "expected the grouping column after \"" + bar.text + "\", found " + group.describe());
        }
        mention(group.text, group.pos);
        Token close = next();
        if (close.kind == Kind.COLON || close.kind == Kind.STAR || close.kind == Kind.PLUS) {
            throw error(close.pos, "only a single grouping column is supported, found " + close.describe());
        }
        if (close.kind != Kind.RPAREN) {
            throw error(close.kind == Kind.END ? open.pos : close.pos,
                    close.kind == Kind.END ? "unbalanced parenthesis" : "expected \")\", found " + close.describe());
        }
        boolean intercept = inner.intercept == null || inner.intercept;
        List<Term> terms = toTerms(inner.terms);
        if (!intercept && terms.isEmpty()) {
            throw error(open.pos, "the random term has no columns");
        }
        random = new RandomTerm(intercept, terms, group.text, bar.kind == Kind.DBAR);
    }

    private List<BitSet> parseProduct() {
        List<BitSet> result = parseInteraction();
        while (peek().kind == Kind.STAR) {
            next();
            List<BitSet> right = parseInteraction();
            LinkedHashSet<BitSet> all = new LinkedHashSet<>(result);
            all.addAll(right);
            all.addAll(cross(result, right));
            result = new ArrayList<>(all);
        }
        return result;
    }

    private List<BitSet> parseInteraction() {
        List<BitSet> result = parseAtom();
        while (peek().kind == Kind.COLON) {
            next();
            result = cross(result, parseAtom());
        }
        return result;
    }

    private List<BitSet> parseAtom() {
        Token t = next();
        switch (t.kind) {
            case NAME -> {
                if (peek().kind == Kind.LPAREN) {
                    Token open = next();
                    if (!t.text.equals("factor")) {
                        throw error(t.pos, "unsupported function \"" + t.text + "\" (only factor(column) is supported)");
                    }
                    Token name = next();
                    if (name.kind != Kind.NAME) {
                        throw error(name.pos, "expected a column name inside factor(), found " + name.describe());
                    }
                    Token close = next();
                    if (close.kind == Kind.END) {
                        throw error(open.pos, "unbalanced parenthesis");
                    }
                    if (close.kind != Kind.RPAREN) {
                        throw error(close.pos, "expected \")\" after factor(" + name.text + ", found " + close.describe());
                    }
                    return List.of(single(new Variable(name.text, true), name.pos));
                }
                if (t.text.equals(".")) {
                    throw error(t.pos, "the \".\" shorthand (all other columns) is not supported; name the columns");
                }
                return List.of(single(new Variable(t.text, false), t.pos));
            }
            case LPAREN -> {
                if (depth == MAX_DEPTH) {
                    throw error(t.pos, "parentheses nested more than " + MAX_DEPTH + " deep");
                }
                if (isRandomTerm(at - 1)) {
                    throw error(t.pos, "a random term cannot be part of a product or interaction");
                }
                depth++;
                Sum inner = parseSum(Context.NESTED);
                depth--;
                Token close = next();
                if (close.kind == Kind.END) {
                    throw error(t.pos, "unbalanced parenthesis");
                }
                if (close.kind != Kind.RPAREN) {
                    throw error(close.pos, "expected \")\", found " + close.describe());
                }
                if (inner.terms.isEmpty()) {
                    throw error(t.pos, "empty parentheses");
                }
                return new ArrayList<>(inner.terms);
            }
            case NUMBER -> throw error(t.pos, "the number " + t.text
                    + " can only stand alone as a term (0 or 1 for the intercept)");
            case END -> throw error(t.pos, "unexpected end of formula, expected a term");
            case RPAREN -> throw error(t.pos, "unbalanced parenthesis");
            case TILDE -> throw error(t.pos, "a formula has only one \"~\"");
            default -> throw error(t.pos, "unexpected " + t.describe() + ", expected a term");
        }
    }

    /**
     * Looks ahead from the '(' at token index {@code open}: true if a '|' or '||' appears at its own depth before
     * the matching ')'. An unmatched '(' is reported here, at its own position.
     */
    private boolean isRandomTerm(int open) {
        int depth = 0;
        for (int k = open; k < tokens.size(); k++) {
            Token t = tokens.get(k);
            switch (t.kind) {
                case LPAREN -> depth++;
                case RPAREN -> {
                    depth--;
                    if (depth == 0) {
                        return false;
                    }
                }
                case BAR, DBAR -> {
                    if (depth == 1) {
                        return true;
                    }
                }
                case END -> throw error(tokens.get(open).pos, "unbalanced parenthesis");
                default -> { }
            }
        }
        throw error(tokens.get(open).pos, "unbalanced parenthesis");
    }

    // ---------------------------------------------------------------- terms as sets

    private BitSet single(Variable v, int pos) {
        Integer index = variableIndex.get(v);
        if (index == null) {
            index = variables.size();
            variables.add(v);
            variableIndex.put(v, index);
        }
        mention(v.column(), pos);
        BitSet b = new BitSet();
        b.set(index);
        return b;
    }

    private static List<BitSet> cross(List<BitSet> left, List<BitSet> right) {
        LinkedHashSet<BitSet> out = new LinkedHashSet<>();
        for (BitSet a : left) {
            for (BitSet b : right) {
                BitSet c = (BitSet) a.clone();
                c.or(b);
                out.add(c);
            }
        }
        return new ArrayList<>(out);
    }

    /** Terms ordered by degree, then by first appearance (R's order); variables in order of first appearance. */
    private List<Term> toTerms(LinkedHashSet<BitSet> sets) {
        List<BitSet> ordered = new ArrayList<>(sets);
        ordered.sort(Comparator.comparingInt(BitSet::cardinality)); // stable
        List<Term> terms = new ArrayList<>(ordered.size());
        for (BitSet b : ordered) {
            List<Variable> vs = new ArrayList<>(b.cardinality());
            for (int i = b.nextSetBit(0); i >= 0; i = b.nextSetBit(i + 1)) {
                vs.add(variables.get(i));
            }
            terms.add(new Term(vs));
        }
        return terms;
    }

    private void mention(String column, int pos) {
        positions.putIfAbsent(column, pos + 1);
    }

    // ---------------------------------------------------------------- tokens

    private Token peek() {
        return tokens.get(at);
    }

    private Token next() {
        Token t = tokens.get(at);
        if (t.kind != Kind.END) {
            at++;
        }
        return t;
    }

    private static boolean isNumber(String s, int value) {
        try {
            return Double.parseDouble(s) == value;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            switch (c) {
                case '~' -> { out.add(new Token(Kind.TILDE, "~", start)); i++; }
                case '+' -> { out.add(new Token(Kind.PLUS, "+", start)); i++; }
                case '-' -> { out.add(new Token(Kind.MINUS, "-", start)); i++; }
                case '*' -> { out.add(new Token(Kind.STAR, "*", start)); i++; }
                case ':' -> { out.add(new Token(Kind.COLON, ":", start)); i++; }
                case '(' -> { out.add(new Token(Kind.LPAREN, "(", start)); i++; }
                case ')' -> { out.add(new Token(Kind.RPAREN, ")", start)); i++; }
                case '|' -> {
                    if (i + 1 < n && s.charAt(i + 1) == '|') {
                        out.add(new Token(Kind.DBAR, "||", start));
                        i += 2;
                    } else {
                        out.add(new Token(Kind.BAR, "|", start));
                        i++;
                    }
                }
                case '`' -> {
                    int close = s.indexOf('`', i + 1);
                    if (close < 0) {
                        throw error(start, "unterminated back-quoted name");
                    }
                    if (close == i + 1) {
                        throw error(start, "empty back-quoted name");
                    }
                    out.add(new Token(Kind.NAME, s.substring(i + 1, close), start));
                    i = close + 1;
                }
                default -> {
                    if (Character.isDigit(c)) {
                        while (i < n && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                            i++;
                        }
                        if (i < n && isNameChar(s.charAt(i))) {
                            throw error(start, "a name cannot start with a digit: \"" + word(s, start) + "\"");
                        }
                        out.add(new Token(Kind.NUMBER, s.substring(start, i), start));
                    } else if (Character.isLetter(c) || c == '.' || c == '_') {
                        while (i < n && isNameChar(s.charAt(i))) {
                            i++;
                        }
                        out.add(new Token(Kind.NAME, s.substring(start, i), start));
                    } else {
                        String what = switch (c) {
                            case '^' -> "the \"^\" operator is not supported";
                            case '/' -> "the \"/\" (nesting) operator is not supported";
                            case '%' -> "the \"%in%\" operator is not supported";
                            default -> "unexpected character '" + c + "'";
                        };
                        throw error(start, what);
                    }
                }
            }
        }
        out.add(new Token(Kind.END, "", n));
        return out;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_';
    }

    private static String word(String s, int start) {
        int i = start;
        while (i < s.length() && isNameChar(s.charAt(i))) {
            i++;
        }
        return s.substring(start, i);
    }

    private InputException error(int pos, String what) {
        return new InputException("formula error at column " + (pos + 1) + ": " + what + " in \"" + text + "\"");
    }
}
