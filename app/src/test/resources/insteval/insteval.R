# InstEval (lme4 1.1-31) for lmm4j issue 13: writes insteval.csv.gz (columns y, s, d, dept, service) and fits
#   y ~ service + (1|s) + (1|d) + (1|dept:service)
# by ML and REML with tight bobyqa; prints the figures committed beside this script in insteval.out.
# Run: Rscript insteval.R > insteval.out
suppressPackageStartupMessages(library(lme4))
data(InstEval, package = "lme4")
d <- data.frame(y = InstEval$y, s = as.character(InstEval$s), d = as.character(InstEval$d),
                dept = as.character(InstEval$dept), service = as.character(InstEval$service))
con <- gzfile("insteval.csv.gz", "w"); write.csv(d, con, row.names = FALSE, quote = FALSE); close(con)
cat("lme4", as.character(packageVersion("lme4")), "R", R.version.string, "\n")
cat("rows", nrow(d), "levels s", nlevels(InstEval$s), "d", nlevels(InstEval$d),
    "dept:service", nlevels(interaction(InstEval$dept, InstEval$service, drop = TRUE)), "\n")
tight <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 2e-1, rhoend = 1e-10, maxfun = 1e5),
                     calc.derivs = FALSE)
options(digits = 12)
for (reml in c(FALSE, TRUE)) {
  f <- lmer(y ~ service + (1 | s) + (1 | d) + (1 | dept:service), InstEval, REML = reml, control = tight)
  vc <- as.data.frame(VarCorr(f))
  cat(if (reml) "REML" else "ML", "\n")
  cat("minus2LogLik", sprintf("%.8f", if (reml) -2 * as.numeric(logLik(f)) else deviance(f)), "\n")
  cat("theta", sprintf("%.10f", getME(f, "theta")), "\n")
  cat("beta", sprintf("%.10f", fixef(f)), "\n")
  cat("sigma2", sprintf("%.10f", sigma(f)^2), "\n")
  for (i in seq_len(nrow(vc))) cat("vcov", vc$grp[i], sprintf("%.10f", vc$vcov[i]), "\n")
  cat("feval", f@optinfo$feval, "\n")
}
