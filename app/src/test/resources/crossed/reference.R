# Reference figures for lmm4j's crossed random terms (issue 13), from lme4 1.1-31 (and lmerTest for Satterthwaite's df).
# Run from this directory:  Rscript reference.R
# Writes the data (penicillin.csv, slopes.csv, boundary.csv, mixed.csv) and reference.properties (the figures).
# lme4 fits are converged tightly (bobyqa, rhoend 1e-12, then again from there with rhobeg 1e-4, rhoend 1e-14) so that
# the figures are the optimum's, not the optimiser's. Runs of this script still differ by up to ~1e-7 relative in the
# variance components (and ~1e-8 in the BLUPs), with −2 log L equal to 1e-12: the flatness of the criterion at its
# minimum; the tests' tolerances (1e-4 relative) are far above it.
suppressPackageStartupMessages(library(lme4))
ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 1e5))
polish <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhobeg = 1e-4, rhoend = 1e-14, maxfun = 1e5))
out <- character()
put <- function(key, value) out <<- c(out, sprintf("%s=%.15g", key, value))

# -2 log L (ML deviance, or the REML criterion), beta, every variance and covariance of VarCorr, sigma^2, the BLUPs
lmerFigures <- function(prefix, fit, ranefs = FALSE) {
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
  if (ranefs) {
    re <- ranef(fit)
    for (g in names(re)) for (l in rownames(re[[g]])) for (n in colnames(re[[g]]))
      put(paste0(prefix, ".ranef.", g, ".", l, ".", n), re[[g]][l, n])
  }
}
fitBoth <- function(prefix, formula, data) {
  for (reml in c(FALSE, TRUE)) {
    key <- paste0(prefix, ".", if (reml) "reml" else "ml")
    f <- lmer(formula, data, REML = reml, control = ctrl)
    # polish: bobyqa again from its own optimum with a small trust region, so that the figures are the minimum's
    f <- update(f, start = getME(f, "theta"), control = polish)
    lmerFigures(key, f, ranefs = TRUE)
    # standard errors and Satterthwaite's df of the fixed effects (lmerTest, the same fit)
    co <- summary(lmerTest::as_lmerModLmerTest(f))$coefficients
    for (n in rownames(co)) {
      put(paste0(key, ".se.", n), co[n, "Std. Error"])
      put(paste0(key, ".df.", n), co[n, "df"])
    }
  }
}

# 1. Penicillin: 24 plates crossed with 6 samples, one diameter per plate and sample
data(Penicillin, package = "lme4")
write.csv(Penicillin[, c("diameter", "plate", "sample")], "penicillin.csv", row.names = FALSE, quote = FALSE)
fitBoth("penicillin", diameter ~ 1 + (1 | plate) + (1 | sample), Penicillin)

# 2. subjects crossed with items, a random slope of x in the subject term (correlated with its intercept),
#    unbalanced: about a tenth of the subject-item cells missing
set.seed(1301)
subjects <- 20; items <- 12
d <- expand.grid(item = 1:items, subject = 1:subjects)
d <- d[runif(nrow(d)) > 0.1, ]
d$x <- round(rnorm(nrow(d)), 3)
u <- MASS::mvrnorm(subjects, c(0, 0), matrix(c(4, 0.6, 0.6, 1), 2))
w <- rnorm(items, sd = 1.5)
d$y <- round(5 + 0.8 * d$x + u[d$subject, 1] + u[d$subject, 2] * d$x + w[d$item] + rnorm(nrow(d), sd = 1), 4)
d$subject <- sprintf("s%02d", d$subject)
d$item <- sprintf("i%02d", d$item)
d <- d[, c("y", "x", "subject", "item")]
write.csv(d, "slopes.csv", row.names = FALSE, quote = FALSE)
fitBoth("slopes", y ~ x + (1 + x | subject) + (1 | item), d)

# 2b. the same rows with a factor g of no effect (6 levels at random) crossed with the subjects: a boundary fit, Ω_g = 0
set.seed(1303)
b <- d[, c("y", "x", "subject")]
b$g <- sprintf("g%d", sample(6, nrow(b), replace = TRUE))
write.csv(b, "boundary.csv", row.names = FALSE, quote = FALSE)
fitBoth("boundary", y ~ x + (1 | subject) + (1 | g), b)

# 3. crossed and nested: casks nested in batches, both crossed with operators, two replicates per cell
set.seed(1302)
batches <- 6; casks <- 3; operators <- 5
m <- expand.grid(rep = 1:2, operator = 1:operators, cask = 1:casks, batch = 1:batches)
batchEffect <- rnorm(batches, sd = 1.2)[m$batch]
caskEffect <- rnorm(batches * casks, sd = 0.8)[(m$batch - 1) * casks + m$cask]
operatorEffect <- rnorm(operators, sd = 0.6)[m$operator]
m$y <- round(20 + batchEffect + caskEffect + operatorEffect + rnorm(nrow(m), sd = 0.5), 4)
m$batch <- LETTERS[m$batch]
m$cask <- letters[m$cask]
m$operator <- paste0("op", m$operator)
m <- m[, c("y", "batch", "cask", "operator")]
write.csv(m, "mixed.csv", row.names = FALSE, quote = FALSE)
fitBoth("mixed", y ~ 1 + (1 | batch/cask) + (1 | operator), m)

writeLines(c(sprintf("# written by reference.R with lme4 %s and lmerTest %s on %s", packageVersion("lme4"),
                     packageVersion("lmerTest"), R.version.string), out), "reference.properties")
