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
import java.util.Set;

/**
 * Parser for the lme4 formula language of {@link Formula}, in two steps as in R: the text is read into an expression
 * tree with R's operator precedence (a Pratt parser), then the tree is interpreted as R's {@code terms()} and lme4's
 * {@code findbars} do. Terms are kept as sets of variable indices (variables numbered in order of first appearance),
 * so that {@code a*b = a + b + a:b}, {@code a:a = a}, {@code (a + b)^2} and {@code - term} are plain set operations.
 * Every error names the offending token and its 1-based column.
 */
final class FormulaParser {

    private enum Kind {
        NAME, NUMBER, TILDE, PLUS, MINUS, STAR, SLASH, CARET, COLON, LPAREN, RPAREN, BAR, DBAR, COMMA, EQUALS, END
    }

    private record Token(Kind kind, String text, int pos) {
        String describe() {
            return kind == Kind.END ? "end of formula" : "\"" + text + "\"";
        }
    }

    /** A node of the expression tree: a name, a number, a call (with argument names, null when positional),
     *  parentheses, a unary or a binary operator (its token's kind and text); {@code pos} is the token's offset. */
    private record Node(Kind op, String text, List<Node> kids, List<String> argNames, int pos) {
        boolean isCall() {
            return op == Kind.NAME && argNames != null;
        }

        boolean isName() {
            return op == Kind.NAME && argNames == null;
        }

        boolean isBar() {
            return op == Kind.BAR || op == Kind.DBAR;
        }

        Node kid(int i) {
            return kids.get(i);
        }
    }

    /** Where a sum is interpreted: the fixed part, inside a random term, or inside parentheses of a product. */
    private enum Context { TOP, RANDOM, NESTED }

    /** The value of a sum: its terms (ordered, distinct) and what it says about the intercept (null: nothing). */
    private static final class Sum {
        final LinkedHashSet<BitSet> terms = new LinkedHashSet<>();
        Boolean intercept;
    }

    /** One grouping of a random term: its label as lme4 prints it, its columns in label order and outermost first. */
    private record Grouping(String label, List<String> factors, List<String> nesting) {
    }

    /** The deepest nesting of parentheses (and operands) accepted, far beyond any real formula. */
    static final int MAX_DEPTH = 200;
    /** The most terms a formula may expand to ({@code a*b*c*...} doubles the count with each factor). */
    static final int MAX_TERMS = 10_000;

    /** glmmTMB's names of the Ω structures, and the lmm4j structure each stands for. */
    static final Map<String, String> STRUCTURE_ALIASES = Map.of(
            "us", "free", "diag", "diagonal", "cs", "cs", "ar1", "ar1", "toep", "toeplitz");

    /** The element-wise functions of one numeric argument (besides {@code log}, which takes a base too). */
    static final Set<String> MATH = Set.of("exp", "sqrt", "abs", "sin", "cos", "tan", "log2", "log10", "log1p", "expm1", "I");

    private static final String SUPPORTED = "factor, log, exp, sqrt, abs, sin, cos, tan, log2, log10, log1p, expm1,"
            + " I, scale, poly";

    private final String text;
    private final List<Token> tokens;
    private int at;
    private int depth;
    private final Map<Variable, Integer> variableIndex = new HashMap<>();
    private final List<Variable> variables = new ArrayList<>();
    private final Map<String, Integer> positions = new LinkedHashMap<>();
    private final List<RandomTerm> randoms = new ArrayList<>();

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
        if (peek().kind == Kind.END) {
            throw error(peek().pos, "unexpected end of formula, expected a term");
        }
        Node rhs = expression(2);
        Token end = peek();
        if (end.kind != Kind.END) {
            if (end.kind == Kind.RPAREN) {
                throw error(end.pos, "unbalanced parenthesis");
            }
            throw error(end.pos, "unexpected " + end.describe());
        }
        Sum sum = sum(rhs, Context.TOP);
        boolean intercept = sum.intercept == null || sum.intercept;
        return new Formula(text, response, intercept, toTerms(sum.terms), randoms, positions);
    }

    // ---------------------------------------------------------------- reading the tree (R's precedence)

    /** Left binding power of an infix token, −1 when it is not infix. */
    private static int power(Kind k) {
        return switch (k) {
            case BAR, DBAR -> 3;
            case PLUS, MINUS -> 5;
            case STAR, SLASH -> 6;
            case COLON -> 8;
            case CARET -> 10;
            default -> -1;
        };
    }

    /** An expression whose infix operators bind at least as tightly as {@code min}. */
    private Node expression(int min) {
        Token start = peek();
        if (++depth > MAX_DEPTH) {
            throw error(start.pos, "parentheses nested more than " + MAX_DEPTH + " deep");
        }
        Node left = prefix();
        while (true) {
            Token t = peek();
            int bp = power(t.kind);
            if (bp < 0 || bp < min) {
                break;
            }
            next();
            if (peek().kind == Kind.END) {
                throw error(peek().pos, "unexpected end of formula, expected a term");
            }
            // ^ is right-associative, every other operator left-associative
            Node right = expression(t.kind == Kind.CARET ? bp : bp + 1);
            left = new Node(t.kind, t.text, List.of(left, right), null, t.pos);
        }
        depth--;
        return left;
    }

    private Node prefix() {
        Token t = next();
        switch (t.kind) {
            case NAME -> {
                if (peek().kind != Kind.LPAREN) {
                    return new Node(Kind.NAME, t.text, List.of(), null, t.pos);
                }
                Token open = next();
                List<Node> args = new ArrayList<>();
                List<String> names = new ArrayList<>();
                if (peek().kind == Kind.RPAREN) {
                    throw error(open.pos, t.text + "() needs an argument");
                }
                while (true) {
                    String name = null;
                    if (peek().kind == Kind.NAME && tokens.get(at + 1).kind == Kind.EQUALS) {
                        name = next().text;
                        next();
                    }
                    args.add(expression(0));
                    names.add(name);
                    Token sep = next();
                    if (sep.kind == Kind.RPAREN) {
                        break;
                    }
                    if (sep.kind == Kind.END) {
                        throw error(open.pos, "unbalanced parenthesis");
                    }
                    if (sep.kind != Kind.COMMA) {
                        throw error(sep.pos, "expected \",\" or \")\" in " + t.text + "(...), found " + sep.describe());
                    }
                }
                return new Node(Kind.NAME, t.text, args, names, t.pos);
            }
            case NUMBER -> {
                return new Node(Kind.NUMBER, t.text, List.of(), null, t.pos);
            }
            case LPAREN -> {
                if (peek().kind == Kind.RPAREN) {
                    throw error(t.pos, "empty parentheses");
                }
                Node inner = expression(0);
                Token close = next();
                if (close.kind == Kind.END) {
                    throw error(t.pos, "unbalanced parenthesis");
                }
                if (close.kind != Kind.RPAREN) {
                    throw error(close.pos, "expected \")\", found " + close.describe());
                }
                return new Node(Kind.LPAREN, "(", List.of(inner), null, t.pos);
            }
            case MINUS, PLUS -> {
                if (peek().kind == Kind.END) {
                    throw error(peek().pos, "unexpected end of formula, expected a term");
                }
                return new Node(t.kind, t.text, List.of(expression(9)), null, t.pos);
            }
            case END -> throw error(t.pos, "unexpected end of formula, expected a term");
            case RPAREN -> throw error(t.pos, "unbalanced parenthesis");
            case TILDE -> throw error(t.pos, "a formula has only one \"~\"");
            default -> throw error(t.pos, "unexpected " + t.describe() + ", expected a term");
        }
    }

    // ---------------------------------------------------------------- interpreting the tree (R's terms())

    /** A sum: the chain of binary + and − along the left spine, folded left to right (no deep recursion). */
    private Sum sum(Node node, Context context) {
        List<Node> items = new ArrayList<>();
        List<Boolean> minus = new ArrayList<>();
        Node n = node;
        while (n.op == Kind.PLUS || n.op == Kind.MINUS) {
            if (n.kids.size() == 1) { // unary, the leftmost summand
                break;
            }
            items.add(0, n.kid(1));
            minus.add(0, n.op == Kind.MINUS);
            n = n.kid(0);
        }
        items.add(0, n);
        minus.add(0, false);
        Sum sum = new Sum();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            boolean negative = minus.get(i);
            while ((item.op == Kind.MINUS || item.op == Kind.PLUS) && item.kids.size() == 1) {
                negative ^= item.op == Kind.MINUS;
                item = item.kid(0);
            }
            summand(sum, item, context, negative);
        }
        return sum;
    }

    private void summand(Sum sum, Node n, Context context, boolean minus) {
        if (n.op == Kind.NUMBER) {
            if (context == Context.NESTED) {
                throw error(n.pos, "the number " + n.text + " can only stand alone as a term (0 or 1 for the intercept)");
            }
            boolean one = isNumber(n.text, 1);
            if (!one && !isNumber(n.text, 0)) {
                throw error(n.pos, "unexpected number " + n.text + " (only 0 and 1, for the intercept, may appear)");
            }
            // "1" and "- 0" ask for the intercept, "0" and "- 1" remove it.
            sum.intercept = one != minus;
            return;
        }
        if (n.isBar()) {
            throw error(n.pos, "a random term is written in parentheses: (terms " + n.text + " group)");
        }
        if (isRandom(n)) {
            if (context == Context.RANDOM) {
                throw error(n.pos, "a random term cannot appear inside another term");
            }
            if (context == Context.NESTED) {
                throw error(n.pos, "a random term cannot be part of a product or interaction");
            }
            if (minus) {
                throw error(n.pos, "a random term cannot be subtracted");
            }
            random(n);
            return;
        }
        List<BitSet> product = product(n);
        if (minus) {
            product.forEach(sum.terms::remove);
        } else {
            sum.terms.addAll(product);
            if (sum.terms.size() > MAX_TERMS) {
                throw error(n.pos, "the formula expands to more than " + MAX_TERMS + " terms");
            }
        }
    }

    /** Whether a node is a random term: {@code (terms | g)}, {@code (terms || g)} or {@code name(terms | g)}. */
    private static boolean isRandom(Node n) {
        return (n.op == Kind.LPAREN || n.isCall()) && n.kids.size() == 1 && n.kid(0).isBar();
    }

    /** The terms of a product, interaction, nesting or power (R's {@code * : / ^}). */
    private List<BitSet> product(Node n) {
        switch (n.op) {
            case STAR, SLASH -> {
                List<Node> operands = new ArrayList<>();
                List<Kind> ops = new ArrayList<>();
                Node m = n;
                while (m.op == Kind.STAR || m.op == Kind.SLASH) {
                    operands.add(0, m.kid(1));
                    ops.add(0, m.op);
                    m = m.kid(0);
                }
                List<BitSet> result = product(m);
                for (int i = 0; i < operands.size(); i++) {
                    List<BitSet> right = product(operands.get(i));
                    LinkedHashSet<BitSet> all = new LinkedHashSet<>(result);
                    if (ops.get(i) == Kind.STAR) {
                        all.addAll(right);
                        all.addAll(cross(result, right, n.pos));
                    } else { // a/b = a + (every variable of a):b
                        BitSet outer = new BitSet();
                        result.forEach(outer::or);
                        all.addAll(cross(List.of(outer), right, n.pos));
                    }
                    result = limited(new ArrayList<>(all), n.pos);
                }
                return result;
            }
            case COLON -> {
                List<Node> operands = new ArrayList<>();
                Node m = n;
                while (m.op == Kind.COLON) {
                    operands.add(0, m.kid(1));
                    m = m.kid(0);
                }
                List<BitSet> result = product(m);
                for (Node o : operands) {
                    result = cross(result, product(o), n.pos);
                }
                return result;
            }
            case CARET -> {
                List<BitSet> base = product(n.kid(0));
                Node e = n.kid(1);
                int power = e.op == Kind.NUMBER ? wholeNumber(e.text) : -1;
                if (power < 1) {
                    throw error(e.pos, "the power of formula terms must be a positive whole number"
                            + " (for arithmetic write I(... ^ ...))");
                }
                List<BitSet> result = base;
                for (int k = 2; k <= power && result.size() < MAX_TERMS; k++) {
                    LinkedHashSet<BitSet> all = new LinkedHashSet<>(result);
                    all.addAll(cross(result, base, n.pos));
                    if (all.size() == result.size()) {
                        break;
                    }
                    result = limited(new ArrayList<>(all), n.pos);
                }
                return result;
            }
            case LPAREN -> {
                if (isRandom(n)) {
                    throw error(n.pos, "a random term cannot be part of a product or interaction");
                }
                return new ArrayList<>(sum(n.kid(0), Context.NESTED).terms);
            }
            case NUMBER -> throw error(n.pos, "the number " + n.text
                    + " can only stand alone as a term (0 or 1 for the intercept)");
            case NAME -> {
                if (isRandom(n)) {
                    throw error(n.pos, "a random term cannot be part of a product or interaction");
                }
                return List.of(single(variable(n), n.pos));
            }
            case BAR, DBAR -> throw error(n.pos, "a random term is written in parentheses: (terms " + n.text + " group)");
            default -> throw error(n.pos, "unexpected \"" + n.text + "\", expected a term");
        }
    }

    /** A variable: a column, {@code factor(column)}, or a call of a supported function. */
    private Variable variable(Node n) {
        if (n.isName()) {
            if (n.text.equals(".")) {
                throw error(n.pos, "the \".\" shorthand (all other columns) is not supported; name the columns");
            }
            mention(n.text, n.pos);
            return new Variable(n.text, false);
        }
        String f = n.text;
        if (f.equals("factor")) {
            Node arg = n.kid(0);
            if (n.kids.size() != 1 || !arg.isName() || n.argNames.get(0) != null) {
                throw error(arg.pos, "expected a column name inside factor(), found \"" + textOf(arg) + "\"");
            }
            mention(arg.text, arg.pos);
            return new Variable(arg.text, true);
        }
        if (f.equals("poly")) {
            return new Variable(poly(n), false);
        }
        if (!MATH.contains(f) && !f.equals("log") && !f.equals("scale")) {
            throw error(n.pos, "unsupported function \"" + f + "\" (supported: " + SUPPORTED + ")");
        }
        return new Variable(arithmetic(n, 0), false);
    }

    /** {@code poly(x, degree, raw)}: the argument an arithmetic expression, the degree a whole number, raw logical. */
    private Expression poly(Node n) {
        List<Expression.Argument> args = new ArrayList<>();
        List<String> order = List.of("x", "degree", "raw");
        for (int i = 0; i < n.kids.size(); i++) {
            String name = n.argNames.get(i);
            Node arg = n.kid(i);
            String role = name == null ? (i < order.size() ? order.get(i) : null) : name;
            if (role == null || !order.contains(role) || (name == null && i > 0 && n.argNames.subList(0, i).stream()
                    .anyMatch(a -> a != null))) {
                throw error(arg.pos, "poly() takes a numeric expression, a degree and raw = TRUE/FALSE");
            }
            Expression value = switch (role) {
                case "x" -> arithmetic(arg, 0);
                case "degree" -> {
                    int d = arg.op == Kind.NUMBER ? wholeNumber(arg.text) : -1;
                    if (d < 1) {
                        throw error(arg.pos, "the degree of poly() must be a positive whole number");
                    }
                    yield new Expression.Number(d);
                }
                default -> logical(arg);
            };
            args.add(new Expression.Argument(name, value));
        }
        if (args.stream().noneMatch(a -> a.name() == null || a.name().equals("x"))) {
            throw error(n.pos, "poly() needs the expression to expand");
        }
        return new Expression.Call("poly", args);
    }

    private Expression logical(Node arg) {
        if (arg.isName() && (arg.text.equals("TRUE") || arg.text.equals("T"))) {
            return new Expression.Logical(true, arg.text);
        }
        if (arg.isName() && (arg.text.equals("FALSE") || arg.text.equals("F"))) {
            return new Expression.Logical(false, arg.text);
        }
        throw error(arg.pos, "expected TRUE or FALSE, found \"" + textOf(arg) + "\"");
    }

    /** An arithmetic expression (inside a function call): numbers, columns, pi, + − * / ^, calls of math functions. */
    private Expression arithmetic(Node n, int level) {
        if (level > MAX_DEPTH) {
            throw error(n.pos, "expression nested more than " + MAX_DEPTH + " deep");
        }
        switch (n.op) {
            case NUMBER -> {
                return new Expression.Number(Double.parseDouble(n.text));
            }
            case LPAREN -> {
                return new Expression.Paren(arithmetic(n.kid(0), level + 1));
            }
            case PLUS, MINUS, STAR, SLASH, CARET -> {
                if (n.kids.size() == 1) {
                    return new Expression.Unary(n.text.charAt(0), arithmetic(n.kid(0), level + 1));
                }
                return new Expression.Binary(n.text.charAt(0), arithmetic(n.kid(0), level + 1),
                        arithmetic(n.kid(1), level + 1));
            }
            case NAME -> {
                if (n.isName()) {
                    if (n.text.equals("TRUE") || n.text.equals("FALSE")) {
                        return logical(n);
                    }
                    mention(n.text, n.pos);
                    return new Expression.Column(n.text);
                }
                return call(n, level);
            }
            default -> throw error(n.pos, "\"" + n.text + "\" is not arithmetic inside a function call"
                    + " (use + - * / ^ and parentheses)");
        }
    }

    /** A call inside arithmetic: a math function of one argument, {@code log(x, base)} or {@code scale(x, ...)}. */
    private Expression call(Node n, int level) {
        String f = n.text;
        if (f.equals("poly")) {
            throw error(n.pos, "poly() gives several columns and cannot be used inside an expression");
        }
        if (f.equals("factor")) {
            throw error(n.pos, "factor() cannot be used inside an expression");
        }
        List<String> allowed;
        if (MATH.contains(f)) {
            allowed = List.of("x");
        } else if (f.equals("log")) {
            allowed = List.of("x", "base");
        } else if (f.equals("scale")) {
            allowed = List.of("x", "center", "scale");
        } else {
            throw error(n.pos, "unsupported function \"" + f + "\" (supported: " + SUPPORTED + ")");
        }
        if (n.kids.size() > allowed.size()) {
            throw error(n.kid(allowed.size()).pos, f + "() takes " + (allowed.size() == 1 ? "one argument"
                    : "the arguments " + String.join(", ", allowed)));
        }
        List<Expression.Argument> args = new ArrayList<>();
        for (int i = 0; i < n.kids.size(); i++) {
            String name = n.argNames.get(i);
            String role = name == null ? allowed.get(i) : name;
            if (!allowed.contains(role) || (i == 0 && name != null && !name.equals("x"))) {
                throw error(n.kid(i).pos, f + "() has no argument \"" + role + "\"");
            }
            Expression value = f.equals("scale") && i > 0 ? logical(n.kid(i)) : arithmetic(n.kid(i), level + 1);
            args.add(new Expression.Argument(name, value));
        }
        return new Expression.Call(f, args);
    }

    /** A random term: its columns, its grouping (expanded when nested) and its Ω structure. */
    private void random(Node n) {
        Node bar = n.kid(0);
        String structure;
        int structurePosition = 0;
        if (n.isCall()) {
            String written = n.text;
            structure = STRUCTURE_ALIASES.getOrDefault(written, written);
            structurePosition = n.pos + 1;
            if (bar.op == Kind.DBAR && !structure.equals("diagonal")) {
                throw error(bar.pos, "\"||\" asks for a diagonal Ω, but " + written + "(...) names another structure:"
                        + " write " + written + "(... | ...)");
            }
        } else {
            structure = bar.op == Kind.DBAR ? "diagonal" : "free";
        }
        Sum inner = sum(bar.kid(0), Context.RANDOM);
        boolean intercept = inner.intercept == null || inner.intercept;
        List<Term> terms = toTerms(inner.terms);
        if (!intercept && terms.isEmpty()) {
            throw error(n.pos, "the random term has no columns");
        }
        for (Grouping g : groupings(bar.kid(1), 0)) {
            randoms.add(new RandomTerm(intercept, terms, g.label, g.factors, g.nesting, structure, structurePosition));
        }
    }

    /** The groupings after the bar: a column, an interaction {@code a:b}, a nesting {@code a/b} (lme4's expansion). */
    private List<Grouping> groupings(Node n, int level) {
        if (level > MAX_DEPTH) {
            throw error(n.pos, "grouping nested more than " + MAX_DEPTH + " deep");
        }
        switch (n.op) {
            case NAME -> {
                if (n.isName()) {
                    mention(n.text, n.pos);
                    String label = Expression.quoted(n.text);
                    return List.of(new Grouping(label, List.of(n.text), List.of(n.text)));
                }
            }
            case LPAREN -> {
                return groupings(n.kid(0), level + 1);
            }
            case COLON -> {
                Grouping a = single(groupings(n.kid(0), level + 1), n);
                Grouping b = single(groupings(n.kid(1), level + 1), n);
                return List.of(new Grouping(a.label + ":" + b.label, concat(a.factors, b.factors),
                        concat(a.nesting, b.nesting)));
            }
            case SLASH -> {
                List<Grouping> outer = groupings(n.kid(0), level + 1);
                Grouping last = outer.get(outer.size() - 1);
                List<Grouping> out = new ArrayList<>(outer);
                for (Grouping inner : groupings(n.kid(1), level + 1)) {
                    String tail = last.label.contains(":") ? "(" + last.label + ")" : last.label;
                    out.add(new Grouping(inner.label + ":" + tail, concat(inner.factors, last.factors),
                            concat(last.nesting, inner.nesting)));
                }
                return out;
            }
            default -> { }
        }
        throw error(n.pos, "the grouping of a random term must be a column, an interaction a:b or a nesting a/b,"
                + " found \"" + textOf(n) + "\"");
    }

    private Grouping single(List<Grouping> gs, Node at) {
        if (gs.size() != 1) {
            throw error(at.pos, "a nesting a/b cannot be part of an interaction; write (a/b):c as a/b + ...");
        }
        return gs.get(0);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** The source text a node was read from (its first token onwards, for messages). */
    private String textOf(Node n) {
        return n.isName() || n.op == Kind.NUMBER ? n.text : text.substring(n.pos, Math.min(text.length(), n.pos + 40));
    }

    // ---------------------------------------------------------------- terms as sets

    private BitSet single(Variable v, int pos) {
        Integer index = variableIndex.get(v);
        if (index == null) {
            index = variables.size();
            variables.add(v);
            variableIndex.put(v, index);
        }
        BitSet b = new BitSet();
        b.set(index);
        return b;
    }

    private List<BitSet> cross(List<BitSet> left, List<BitSet> right, int pos) {
        if ((long) left.size() * right.size() > MAX_TERMS) {
            throw error(pos, "the formula expands to more than " + MAX_TERMS + " terms");
        }
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

    private List<BitSet> limited(List<BitSet> terms, int pos) {
        if (terms.size() > MAX_TERMS) {
            throw error(pos, "the formula expands to more than " + MAX_TERMS + " terms");
        }
        return terms;
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

    /** The value of a number token that is a whole number up to 10 000, else −1. */
    private static int wholeNumber(String s) {
        double v = Double.parseDouble(s);
        return v == Math.rint(v) && v >= 0 && v <= 10_000 ? (int) v : -1;
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
            Kind single = switch (c) {
                case '~' -> Kind.TILDE;
                case '+' -> Kind.PLUS;
                case '-' -> Kind.MINUS;
                case '*' -> Kind.STAR;
                case '/' -> Kind.SLASH;
                case '^' -> Kind.CARET;
                case ':' -> Kind.COLON;
                case '(' -> Kind.LPAREN;
                case ')' -> Kind.RPAREN;
                case ',' -> Kind.COMMA;
                case '=' -> Kind.EQUALS;
                default -> null;
            };
            if (single != null) {
                out.add(new Token(single, String.valueOf(c), start));
                i++;
                continue;
            }
            switch (c) {
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
                    boolean dotNumber = c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1));
                    if (Character.isDigit(c) || dotNumber) {
                        i = numberEnd(s, i);
                        if (i < n && isNameChar(s.charAt(i))) {
                            throw error(start, "a name cannot start with a digit: \"" + word(s, start) + "\"");
                        }
                        String number = s.substring(start, i);
                        if (!number.matches("([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
                            throw error(start, "malformed number \"" + number + "\"");
                        }
                        out.add(new Token(Kind.NUMBER, number, start));
                    } else if (Character.isLetter(c) || c == '.' || c == '_') {
                        while (i < n && isNameChar(s.charAt(i))) {
                            i++;
                        }
                        out.add(new Token(Kind.NAME, s.substring(start, i), start));
                    } else {
                        String what = c == '%' ? "the \"%in%\" operator is not supported"
                                : "unexpected character '" + c + "'";
                        throw error(start, what);
                    }
                }
            }
        }
        out.add(new Token(Kind.END, "", n));
        return out;
    }

    /** The end of an R number literal starting at {@code i}: digits, a decimal point, an exponent. */
    private static int numberEnd(String s, int i) {
        int n = s.length();
        while (i < n && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            int j = i + 1;
            if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
                j++;
            }
            if (j < n && Character.isDigit(s.charAt(j))) {
                while (j < n && Character.isDigit(s.charAt(j))) {
                    j++;
                }
                return j;
            }
        }
        return i;
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
