package org.lmm4j.app.paper;

import java.util.List;
import java.util.Map;

/**
 * Everything the paper's analysis computes, before any formatting: Table 1, Table 2, the two
 * residual variances the text quotes, the fixed effects and BLUPs behind the figures, and the
 * growth curves of Figures 1–3.
 *
 * @param estimators          the estimators that fitted every cell
 * @param cells               Table 1's twelve cells, row by row (scalar, diagonal, free, random) and
 *                            within a row by column (equal, gender, free)
 * @param table2              Σ̂ of the gender/free model as variances and correlations
 * @param sigma2FreeScalar    σ̂² of the free/scalar model (the paper's 0.85)
 * @param sigma2RandomGender  σ̂² of the gender/random model (the paper's 1.72)
 * @param fixedGenderFree     β̂ of the gender/free model, by name
 * @param fixedGenderRandom   β̂ of the gender/random model, by name
 * @param omegaRandomGender   Ω̂ of the gender/random model (random intercept and slope, age in years)
 * @param randomNames         names of the random effects (columns of a BLUP)
 * @param blups               E(B|Y) − B̃ for the gender/random model: b̂_i by child, in data order
 * @param figure1             the 27 least-squares lines of the free/scalar model
 * @param figure2             the boys' and the girls' line of the gender/free model
 * @param figure3             the 27 BLUP lines of the gender/random model: gender line + b̂_i
 */
public record PaperResults(List<String> estimators, List<Table1Cell> cells, SigmaSummary table2,
                           double sigma2FreeScalar, double sigma2RandomGender, Map<String, Double> fixedGenderFree,
                           Map<String, Double> fixedGenderRandom, double[][] omegaRandomGender,
                           List<String> randomNames, Map<String, double[]> blups, List<GrowthLine> figure1,
                           List<GrowthLine> figure2, List<GrowthLine> figure3) {

    public PaperResults {
        estimators = List.copyOf(estimators);
        cells = List.copyOf(cells);
        randomNames = List.copyOf(randomNames);
        figure1 = List.copyOf(figure1);
        figure2 = List.copyOf(figure2);
        figure3 = List.copyOf(figure3);
    }

    /** The cell of a row and column. */
    public Table1Cell cell(PaperMean mean, PaperSigma sigma) {
        for (Table1Cell c : cells) {
            if (c.mean() == mean && c.sigma() == sigma) {
                return c;
            }
        }
        throw new IllegalArgumentException("no cell " + mean + "/" + sigma);
    }

    /** True when the estimators agree in every cell. */
    public boolean allAgree() {
        return cells.stream().allMatch(Table1Cell::agree);
    }
}
