library(lme4)
options(digits=17)
for (reml in c(FALSE, TRUE)) {
m <- lmer(diameter ~ 1 + (1|plate) + (1|sample), Penicillin, REML=reml,
          control=lmerControl(optimizer="bobyqa", optCtrl=list(rhoend=1e-12)))
cat(if (reml) "reml" else "ml", "deviance", if (reml) deparse(REMLcrit(m)) else deparse(deviance(m)), "\n")
cat("theta", deparse(getME(m,"theta")), "\n")
cat("sigma", deparse(sigma(m)), "beta", deparse(fixef(m)), "\n")
f <- getME(m, "devfun")
cat("devfun at 1,1:", deparse(f(c(1,1))), " at 0.5,2:", deparse(f(c(0.5, 2))), "\n")
}
