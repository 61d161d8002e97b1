package org.lmm4j.inference;

import java.util.List;

/**
 * Predictions for the rows of a table (DESIGN §3's {@code predict}), in file order.
 *
 * @param rows          0-based data rows of the table predicted (rows missing a value the model needs are left out
 *                      of the fitting data; in new data they are an input error)
 * @param fitted        x_r'β̂ + z_r'b̂_g with the BLUPs of the row's group (x_r'β̂ for a group the fit has not seen)
 * @param fixed         the population level x_r'β̂
 * @param residual      y_r − fitted_r where the response is present, else NaN
 * @param newLevelRows  rows whose group the fit has not seen (predicted at the population level)
 * @param notes         sentences for the reader
 */
public record Predictions(int[] rows, double[] fitted, double[] fixed, double[] residual, int newLevelRows,
                          List<String> notes) {

    public Predictions {
        notes = List.copyOf(notes);
    }
}
