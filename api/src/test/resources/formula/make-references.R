# Reference values for the formula tests (api/src/test/java/org/lmm4j/formula), made with R and lme4 1.1-31:
#   cd api/src/test/resources/formula && Rscript make-references.R
# Writes the datasets (sleepstudy, Pastes, Penicillin from lme4; a small table of covariates), the random-effects
# terms of three multi-term models as lme4's lFormula builds them (levels and every non-zero of Zt), and the columns
# of model.matrix for formulas with functions (names and values, 17 significant digits).
suppressMessages(library(lme4))
stopifnot(packageVersion("lme4") == "1.1.31")
options(digits = 17)

write.csv(sleepstudy, "sleepstudy.csv", row.names = FALSE)
write.csv(Pastes, "pastes.csv", row.names = FALSE)
write.csv(Penicillin, "penicillin.csv", row.names = FALSE)

models <- list(
  sleepstudy = list(data = sleepstudy, formula = Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)),
  pastes = list(data = Pastes, formula = strength ~ 1 + (1 | batch/cask)),
  penicillin = list(data = Penicillin, formula = diameter ~ 1 + (1 | plate) + (1 | sample)))
levels_out <- data.frame()
z_out <- data.frame()
for (name in names(models)) {
  m <- models[[name]]
  rt <- lFormula(m$formula, m$data)$reTrms
  Zt <- as(rt$Zt, "TsparseMatrix")
  for (k in seq_along(rt$cnms)) {
    group <- names(rt$cnms)[k]
    q <- length(rt$cnms[[k]])
    f <- rt$flist[[group]]
    levels_out <- rbind(levels_out, data.frame(model = name, term = k, group = group, levels = nlevels(f), q = q,
                                               columns = paste(rt$cnms[[k]], collapse = ";")))
    first <- rt$Gp[k]
    rows <- which(Zt@i >= first & Zt@i < rt$Gp[k + 1])
    idx <- Zt@i[rows] - first  # 0-based within the term: level-major, q per level
    z_out <- rbind(z_out, data.frame(model = name, group = group, row = Zt@j[rows] + 1,
                                     level = levels(f)[idx %/% q + 1], column = rt$cnms[[k]][idx %% q + 1],
                                     value = Zt@x[rows]))
  }
}
write.csv(levels_out, "terms.csv", row.names = FALSE)
write.csv(z_out[order(z_out$model, z_out$row, z_out$group), ], "zt.csv", row.names = FALSE)

# Covariates for model.matrix: irregular positive x, a factor, names with a blank and with a non-ASCII letter.
set.seed(13)
n <- 24
cov <- data.frame(y = round(rnorm(n), 3), x = round(runif(n, 0.5, 9), 2), t = rep(1:6, 4),
                  f = rep(c("lo", "mid", "hi"), each = 8), g = rep(1:4, 6), check.names = FALSE)
cov[["w (cm)"]] <- round(runif(n, 10, 20), 1)
cov[["âge"]] <- round(runif(n, 1, 3), 2)
write.csv(cov, "covariates.csv", row.names = FALSE, fileEncoding = "UTF-8")
cov$f <- factor(cov$f, levels = c("lo", "mid", "hi"))  # lmm4j: levels in order of appearance
formulas <- c(
  "y ~ log(x) + exp(t) + sqrt(x + 1) + abs(x - 5) + sin(x) + cos(x)",
  "y ~ I(x^2) + I(x * t) + I(-x) + I((x + 1)^2) + I(x/1e5) + I(pi * x) + log(x, 2)",
  "y ~ poly(x, 3) + scale(t)",
  "y ~ poly(x, degree = 2, raw = TRUE) + scale(x, scale = FALSE)",
  "y ~ f * poly(x, 2)",
  "y ~ `w (cm)` + log(`âge`) + x^2",
  "y ~ (x + t + f)^2",
  "y ~ x/f",
  "y ~ I(x^-1) + I(x + 1e-4) + I(x + 0.001) + log10(x) + log2(x) + log1p(x) + expm1(x/10) + tan(x/10)")
mm_out <- data.frame()
for (fo in formulas) {
  X <- model.matrix(as.formula(fo), cov)
  for (j in seq_len(ncol(X))) {
    mm_out <- rbind(mm_out, data.frame(formula = fo, column = j, name = colnames(X)[j], row = seq_len(n),
                                       value = sprintf("%.17g", X[, j])))
  }
}
write.csv(mm_out, "model-matrix.csv", row.names = FALSE, fileEncoding = "UTF-8")
sessionInfo()$R.version$version.string
