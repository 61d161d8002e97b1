package org.lmm4j.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A random intercept-and-slope model generated inside Spark, row by row from the row number (no file, nothing on the
 * driver): subject s = ⌊id/T⌋, occasion t = id mod T, and
 * <pre>
 *   y = 10 + 2t + b₀ + b₁t + e,   b₀ ~ N(0, 4), b₁ ~ N(0, 0.25), e ~ N(0, 1),
 * </pre>
 * each normal by Box–Muller from two uniforms that are hashes (xxHash64) of the subject or row number and the seed,
 * so the same (subjects, occasions, seed) give the same data however Spark partitions them.
 */
public final class SparkSimulation {

    private SparkSimulation() {
    }

    /** Columns {@code subj} (string), {@code t} and {@code y} (doubles), subjects × occasions rows. */
    public static Dataset<Row> randomSlopes(SparkSession spark, long subjects, int occasions, long seed) {
        Column id = col("id");
        Column s = floor(id.divide(occasions));
        Column t = pmod(id, lit(occasions)).cast("double");
        Column b0 = normal(s, seed, 1).multiply(2.0);
        Column b1 = normal(s, seed, 2).multiply(0.5);
        Column e = normal(id, seed, 3);
        return spark.range(subjects * occasions)
                .select(s.cast("long").cast("string").as("subj"), t.as("t"),
                        lit(10.0).plus(t.multiply(2.0)).plus(b0).plus(b1.multiply(t)).plus(e).as("y"));
    }

    /** A standard normal from the hash of (key, seed, stream): Box–Muller on two uniforms in (0, 1). */
    private static Column normal(Column key, long seed, int stream) {
        Column u1 = uniform(key, seed, 2 * stream);
        Column u2 = uniform(key, seed, 2 * stream + 1);
        return sqrt(log(u1).multiply(-2.0)).multiply(cos(u2.multiply(2 * Math.PI)));
    }

    private static Column uniform(Column key, long seed, int stream) {
        Column bits = pmod(xxhash64(key, lit(seed), lit(stream)), lit(1L << 53));
        return bits.cast("double").plus(0.5).divide((double) (1L << 53));
    }
}
