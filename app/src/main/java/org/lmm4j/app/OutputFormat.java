package org.lmm4j.app;

/** How a command prints its result: a human-readable text report or one JSON object (docs/DESIGN.md §3). */
public enum OutputFormat {
    /** A text report in the spirit of lme4's {@code summary()}. */
    text,
    /** One JSON object. */
    json
}
