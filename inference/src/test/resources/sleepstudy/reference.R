# Reference figures for lmm4j's inference tests (issue 16), from lme4 and lmerTest.
# Run from this directory:  Rscript reference.R
# Writes sleepstudy.csv (the data, as lme4 ships it) and reference.properties (the figures).
# The fits are converged tightly (bobyqa, rhoend 1e-12) so that the figures are the optimum's, not the optimiser's.
suppressPackageStartupMessages({ library(lme4); library(lmerTest) })
data(sleepstudy, package = "lme4")
write.csv(sleepstudy, "sleepstudy.csv", row.names = FALSE, quote = FALSE)

ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e5))
out <- character()
put <- function(key, value) out <<- c(out, sprintf("%s=%.15g", key, value))

# 1. lmerTest: REML, Satterthwaite df, t and p for every fixed effect
reml <- lmerTest::lmer(Reaction ~ Days + (Days | Subject), data = sleepstudy, REML = TRUE, control = ctrl)
co <- summary(reml, ddf = "Satterthwaite")$coefficients
for (name in rownames(co)) {
  put(paste0("satterthwaite.", name, ".estimate"), co[name, "Estimate"])
  put(paste0("satterthwaite.", name, ".se"), co[name, "Std. Error"])
  put(paste0("satterthwaite.", name, ".df"), co[name, "df"])
  put(paste0("satterthwaite.", name, ".t"), co[name, "t value"])
  put(paste0("satterthwaite.", name, ".p"), co[name, "Pr(>|t|)"])
}

# 2. ML profile intervals, lme4 names (oldNames = FALSE)
ml <- lme4::lmer(Reaction ~ Days + (Days | Subject), data = sleepstudy, REML = FALSE, control = ctrl)
put("ml.deviance", deviance(ml))
ci <- confint(ml, method = "profile", oldNames = FALSE, level = 0.95)
for (name in rownames(ci)) {
  put(paste0("profile.", name, ".lower"), ci[name, 1])
  put(paste0("profile.", name, ".upper"), ci[name, 2])
}
# parametric bootstrap percentile intervals, 1000 refits (Monte Carlo figures: compare within their error)
set.seed(1)
boot <- suppressMessages(suppressWarnings(
  confint(ml, method = "boot", nsim = 1000, boot.type = "perc", oldNames = FALSE, level = 0.95)))
for (name in rownames(boot)) {
  put(paste0("bootstrap.", name, ".lower"), boot[name, 1])
  put(paste0("bootstrap.", name, ".upper"), boot[name, 2])
}
wald <- confint(ml, method = "Wald", oldNames = FALSE)
for (name in c("(Intercept)", "Days")) {
  put(paste0("wald.", name, ".lower"), wald[name, 1])
  put(paste0("wald.", name, ".upper"), wald[name, 2])
}

# 3. Likelihood-ratio test of (Days | Subject) against (1 | Subject); anova() refits REML fits by ML
m0 <- lme4::lmer(Reaction ~ Days + (1 | Subject), data = sleepstudy, REML = TRUE, control = ctrl)
m1 <- lme4::lmer(Reaction ~ Days + (Days | Subject), data = sleepstudy, REML = TRUE, control = ctrl)
a <- anova(m0, m1)
put("anova.m0.npar", a$npar[1]); put("anova.m1.npar", a$npar[2])
put("anova.m0.logLik", a$logLik[1]); put("anova.m1.logLik", a$logLik[2])
put("anova.m0.AIC", a$AIC[1]); put("anova.m1.AIC", a$AIC[2])
put("anova.m0.BIC", a$BIC[1]); put("anova.m1.BIC", a$BIC[2])
put("anova.m0.deviance", a$deviance[1]); put("anova.m1.deviance", a$deviance[2])
put("anova.chisq", a$Chisq[2]); put("anova.df", a[["Df"]][2]); put("anova.p", a[["Pr(>Chisq)"]][2])

# 4. predict(m) on the fitting data (REML fit, conditional on the BLUPs), and the population level.
# bobyqa leaves the REML gradient at ~6e-6, which moves the BLUPs by ~1e-8 relative: three Newton steps on lme4's
# own deviance function (numDeriv derivatives) take theta to the optimum first (gradient ~1e-8).
lf <- lFormula(Reaction ~ Days + (Days | Subject), data = sleepstudy, REML = TRUE)
devfun <- do.call(mkLmerDevfun, lf)
theta <- getME(m1, "theta")
for (i in 1:3) theta <- theta - solve(numDeriv::hessian(devfun, theta), numDeriv::grad(devfun, theta))
put("predict.gradient", max(abs(numDeriv::grad(devfun, theta))))
polished <- mkMerMod(environment(devfun), list(par = theta, fval = devfun(theta), conv = 0, message = ""),
                     lf$reTrms, fr = lf$fr)  # devfun(theta) last, so the environment holds the state at theta
pr <- predict(polished)
pf <- predict(polished, re.form = NA)
for (i in seq_along(pr)) {
  put(sprintf("predict.%d", i), pr[i])
  put(sprintf("predictFixed.%d", i), pf[i])
}
writeLines(c(paste("# written by reference.R with lme4", packageVersion("lme4"), "and lmerTest",
                   packageVersion("lmerTest"), "on", R.version.string), out), "reference.properties")
