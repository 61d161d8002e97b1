# Reference figures for lmm4j's nested random terms (issue 13), from lme4 1.1-31 and nlme 3.1.
# Run from this directory:  Rscript reference.R
# Writes the data (sleepstudy.csv, pastes.csv, nested-ar1.csv) and reference.properties (the figures).
# lme4 fits are converged tightly (bobyqa, rhoend 1e-12) so that the figures are the optimum's, not the optimiser's.
suppressPackageStartupMessages({ library(lme4); library(nlme) })
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e5))
lctrl <- lmeControl(maxIter = 500, msMaxIter = 500, niterEM = 100, tolerance = 1e-12, msTol = 1e-12, opt = "nlminb")
out <- character()
put <- function(key, value) out <<- c(out, sprintf("%s=%.15g", key, value))

data(sleepstudy, package = "lme4")
write.csv(sleepstudy, "sleepstudy.csv", row.names = FALSE, quote = FALSE)
data(Pastes, package = "lme4")
write.csv(Pastes[, c("strength", "batch", "cask")], "pastes.csv", row.names = FALSE, quote = FALSE)

# lme4: -2 log L (ML deviance, or the REML criterion), beta, every variance and covariance of VarCorr, sigma^2
lmerFigures <- function(prefix, fit) {
  put(paste0(prefix, ".m2ll"), -2 * as.numeric(logLik(fit)))
  b <- fixef(fit)
  for (n in names(b)) put(paste0(prefix, ".beta.", n), b[[n]])
  vc <- VarCorr(fit)
  for (g in names(vc)) {
    m <- vc[[g]]
    for (i in seq_len(nrow(m))) for (j in seq_len(i))
      put(paste0(prefix, ".omega.", g, ".", rownames(m)[i], ".", colnames(m)[j]), m[i, j])
  }
  put(paste0(prefix, ".sigma2"), sigma(fit)^2)
}

# 1. sleepstudy, uncorrelated intercept and slope as two terms in one grouping factor
for (reml in c(FALSE, TRUE)) {
  f <- lmer(Reaction ~ Days + (1 | Subject) + (0 + Days | Subject), sleepstudy, REML = reml, control = ctrl)
  lmerFigures(paste0("sleep2.", if (reml) "reml" else "ml"), f)
}
# 2. Pastes: casks nested in batches
for (reml in c(FALSE, TRUE)) {
  f <- lmer(strength ~ 1 + (1 | batch/cask), Pastes, REML = reml, control = ctrl)
  lmerFigures(paste0("pastes.", if (reml) "reml" else "ml"), f)
  re <- ranef(f)
  for (g in names(re)) for (l in rownames(re[[g]]))
    put(paste0("pastes.", if (reml) "reml" else "ml", ".ranef.", g, ".", l), re[[g]][l, 1])
}
# 3. random intercept and slope: us (lme4), diag (lme4), cs (nlme pdCompSymm)
for (reml in c(FALSE, TRUE)) {
  m <- if (reml) "reml" else "ml"
  lmerFigures(paste0("us.", m), lmer(Reaction ~ Days + (Days | Subject), sleepstudy, REML = reml, control = ctrl))
  lmerFigures(paste0("diag.", m), lmer(Reaction ~ Days + (Days || Subject), sleepstudy, REML = reml, control = ctrl))
  cs <- lme(Reaction ~ Days, random = list(Subject = pdCompSymm(~ Days)), data = sleepstudy,
            method = if (reml) "REML" else "ML", control = lctrl)
  put(paste0("cs.", m, ".m2ll"), -2 * as.numeric(logLik(cs)))
  b <- fixef(cs)
  for (n in names(b)) put(paste0("cs.", m, ".beta.", n), b[[n]])
  om <- getVarCov(cs)
  put(paste0("cs.", m, ".variance"), om[1, 1])
  put(paste0("cs.", m, ".covariance"), om[1, 2])
  put(paste0("cs.", m, ".sigma2"), cs$sigma^2)
}

# 4. nlme: two nested levels (plots in farms) beside AR(1) residuals over the 12 times of a farm
set.seed(20130)
farms <- 15; plots <- 3; per <- 4
d <- expand.grid(k = 1:per, plot = 1:plots, farm = 1:farms)
d$time <- (d$plot - 1) * per + d$k
d$x <- round(rnorm(nrow(d)), 3)
farmEffect <- rnorm(farms, sd = 2)[d$farm]
plotEffect <- rnorm(farms * plots, sd = 1)[(d$farm - 1) * plots + d$plot]
e <- numeric(nrow(d))
for (f in 1:farms) {
  rows <- which(d$farm == f)
  e[rows] <- as.numeric(arima.sim(list(ar = 0.5), n = length(rows), sd = 1))
}
d$y <- round(10 + 0.5 * d$x + farmEffect + plotEffect + e, 4)
d$farm <- paste0("F", d$farm)
d$plot <- paste0("p", d$plot)
d <- d[, c("y", "x", "farm", "plot", "time")]
write.csv(d, "nested-ar1.csv", row.names = FALSE, quote = FALSE)
# nlme puts a correlation structure within the innermost grouping of random (it replaces farm by farm/plot), so the
# plots enter as a blocked Ω within the farm: an intercept (variance farm) and an indicator per plot (pdIdent,
# variance plot): the same model as random = ~1 | farm/plot (checked below without the correlation), with the AR(1)
# over the 12 times of a farm.
blocked <- list(farm = pdBlocked(list(pdIdent(~ 1), pdIdent(~ plot - 1))))
for (reml in c(FALSE, TRUE)) {
  m <- if (reml) "reml" else "ml"
  meth <- if (reml) "REML" else "ML"
  plain <- lme(y ~ x, random = ~ 1 | farm/plot, data = d, method = meth, control = lctrl)
  same <- lme(y ~ x, random = blocked, data = d, method = meth, control = lctrl)
  stopifnot(abs(logLik(plain) - logLik(same)) < 1e-6)
  put(paste0("nested.", m, ".m2ll"), -2 * as.numeric(logLik(plain)))
  fit <- lme(y ~ x, random = blocked, correlation = corAR1(form = ~ time | farm), data = d, method = meth,
             control = lctrl)
  put(paste0("ar1.", m, ".m2ll"), -2 * as.numeric(logLik(fit)))
  b <- fixef(fit)
  for (n in names(b)) put(paste0("ar1.", m, ".beta.", n), b[[n]])
  om <- getVarCov(fit)
  put(paste0("ar1.", m, ".omega.farm"), om[1, 1])
  put(paste0("ar1.", m, ".omega.plot"), om[2, 2])
  put(paste0("ar1.", m, ".sigma2"), fit$sigma^2)
  put(paste0("ar1.", m, ".rho"), coef(fit$modelStruct$corStruct, unconstrained = FALSE)[[1]])
}

writeLines(c(sprintf("# written by reference.R with lme4 %s and nlme %s on %s", packageVersion("lme4"),
                     packageVersion("nlme"), R.version.string), out), "reference.properties")
