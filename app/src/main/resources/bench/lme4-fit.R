# lme4's whole process on a file from `lmm4j simulate` (docs/DESIGN.md §5): start R, read.csv, lmer with ML.
# The same model lmm4j's bench fits: y ~ t + (t | subj), Sigma = sigma^2 I, Omega free, REML = FALSE.
#
#   Rscript lme4-fit.R FILE.csv [FORMULA]
#   ./lmm4j bench --subjects 10000 --compare-lme4          # bench runs this script, alternating with lmm4j
#   ./lmm4j bench --subjects 10000 --compare-command "Rscript app/src/main/resources/bench/lme4-fit.R {file}"
#
# It prints lme4's deviance (-2 log L) and its number of function evaluations. Needs R and lme4
# (on Debian or Ubuntu: apt-get install r-cran-lme4).
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) {
  message("usage: Rscript lme4-fit.R FILE.csv [FORMULA]")
  quit(status = 2)
}
formula <- if (length(args) >= 2) args[[2]] else "y ~ t + (t | subj)"
suppressPackageStartupMessages(library(lme4))
d <- read.csv(args[[1]])
m <- lmer(as.formula(formula), data = d, REML = FALSE)
cat(sprintf("-2 log L %.8f (lme4 %s, %d rows, %d evaluations)\n", deviance(m), packageVersion("lme4"),
            nrow(d), m@optinfo$feval))
