package org.lmm4j.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a test JVM: local mode with two threads, each task allowed a second attempt
 * ({@code local[2,2]}: local mode's way of setting spark.task.maxFailures), bound to loopback, no UI.
 */
final class LocalSpark {

    private static SparkSession session;

    private LocalSpark() {
    }

    static synchronized SparkSession get() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2,2]")
                    .appName("lmm4j-tests")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.sql.adaptive.enabled", "false")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }
}
