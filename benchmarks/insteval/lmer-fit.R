# One timed lme4 fit of InstEval for compare.sh: reads the CSV that lmm4j reads, times the lmer call alone (ML, lme4's
# default optimiser and control), prints "lmer_seconds <s> minus2LogLik <value> cpu_seconds <s>".
suppressPackageStartupMessages(library(lme4))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], colClasses = c("numeric", "factor", "factor", "factor", "factor"))
reml <- length(args) > 1 && args[2] == "REML"
st <- system.time(f <- lmer(y ~ service + (1 | s) + (1 | d) + (1 | dept:service), d, REML = reml))
cat("lmer_seconds", st[["elapsed"]], "minus2LogLik", sprintf("%.6f", -2 * as.numeric(logLik(f))),
    "cpu_seconds", st[["user.self"]] + st[["sys.self"]], "\n")
