package org.lmm4j.formula;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.lmm4j.api.InputException;
import org.lmm4j.data.DataTable;
import org.lmm4j.data.NumberCells;
import org.lmm4j.model.Group;
import org.lmm4j.model.ModelData;
import org.lmm4j.testkit.Dental;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever a user types as a formula, the compiler answers with a model or with one line of
 * {@link InputException} — never another exception.
 */
class FormulaProperties {

    private static final DataTable DENTAL = Dental.table();

    @Provide
    Arbitrary<String> tokenSoup() {
        Arbitrary<String> token = Arbitraries.of("distance", "age", "Sex", "Subject", "factor(age)", "factor(",
                "x", "0", "1", "2", "~", "+", "-", "*", ":", "(", ")", "|", "||", " ", "`", "`Sex`", "^", ".", "log(");
        return token.list().ofMinSize(0).ofMaxSize(14).map(ts -> String.join(" ", ts));
    }

    @Provide
    Arbitrary<String> wellShaped() {
        Arbitrary<String> atom = Arbitraries.of("age", "Sex", "Subject", "factor(age)", "distance", "agee");
        Arbitrary<String> term = atom.list().ofMinSize(1).ofMaxSize(3)
                .flatMap(as -> Arbitraries.of(":", "*").map(op -> String.join(op, as)));
        Arbitrary<String> fixed = term.list().ofMinSize(0).ofMaxSize(4).flatMap(ts ->
                Arbitraries.of("", "0 + ", "1 + ", "-1 + ").map(prefix -> prefix + (ts.isEmpty() ? "1" : String.join(" + ", ts))));
        Arbitrary<String> random = Arbitraries.of("", " + (age | Subject)", " + (1 | Subject)", " + (age || Subject)",
                " + (0 + age | Subject)", " + (Sex | Subject)", " + (1 | Sex)", " + (1 | age)");
        return fixed.flatMap(f -> random.map(r -> "distance ~ " + f + r));
    }

    @Property(tries = 400)
    void randomTokensGiveAModelOrOneLineError(@ForAll("tokenSoup") String formula) {
        compileOrInputError(formula);
    }

    @Property(tries = 300)
    void wellShapedFormulasGiveAModelOrOneLineError(@ForAll("wellShaped") String formula) {
        compileOrInputError(formula);
    }

    @Property(tries = 200)
    void arbitraryStringsGiveAModelOrOneLineError(@ForAll String formula) {
        compileOrInputError(formula);
    }

    private static void compileOrInputError(String formula) {
        try {
            CompiledModel m = ModelCompiler.compile(DENTAL, formula, CompileOptions.none());
            ModelData d = m.data();
            assertEquals(108, d.observations());
            int p = d.p();
            int q = d.q();
            for (Group g : d.groups()) {
                assertEquals(g.size() * p, g.x().length);
                assertEquals(g.size() * q, g.z().length);
            }
        } catch (InputException e) {
            assertFalse(e.getMessage().isBlank());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Property(tries = 100)
    void groupsAndRowOrderFollowTheFile(@ForAll("shuffledRows") List<Integer> order) {
        // any permutation of the dental rows: groups in order of first appearance, rows in file order within each
        List<String[]> cols = new ArrayList<>();
        for (String[] c : DENTAL.columns()) {
            String[] s = new String[c.length];
            for (int r = 0; r < c.length; r++) {
                s[r] = c[order.get(r)];
            }
            cols.add(s);
        }
        DataTable t = new DataTable("perm.csv", DENTAL.names(), cols);
        ModelData d = ModelCompiler.compile(t, "distance ~ age + (1 | Subject)", new CompileOptions("age", null)).data();
        String[] subject = cols.get(2);
        List<String> firstSeen = new ArrayList<>();
        for (String s : subject) {
            if (!firstSeen.contains(s)) {
                firstSeen.add(s);
            }
        }
        assertEquals(firstSeen, d.groups().stream().map(Group::id).toList());
        for (Group g : d.groups()) {
            List<Double> expected = new ArrayList<>();
            for (int r = 0; r < subject.length; r++) {
                if (subject[r].equals(g.id())) {
                    expected.add(Double.parseDouble(cols.get(0)[r]));
                }
            }
            assertEquals(expected.size(), g.size());
            for (int i = 0; i < g.size(); i++) {
                assertEquals(expected.get(i), g.y()[i]);
                assertEquals(List.of("8", "10", "12", "14").get(g.occasion()[i]), NumberCells.format(g.x()[2 * i + 1]));
            }
        }
        assertTrue(d.occasionLabels().equals(List.of("8", "10", "12", "14")));
    }

    @Provide
    Arbitrary<List<Integer>> shuffledRows() {
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < 108; r++) {
            rows.add(r);
        }
        return Arbitraries.shuffle(rows);
    }
}
