package org.lmm4j.app.invariants;

import org.lmm4j.testkit.LikelihoodInvariants;

/**
 * The likelihood invariants of docs/DESIGN.md §4 for the library's ProfiledDeviance, over models with every
 * discovered Σ and Ω structure, random intercepts and slopes, missing occasions, ML and REML.
 */
class LikelihoodInvariantsProperties extends LikelihoodInvariants {
}
