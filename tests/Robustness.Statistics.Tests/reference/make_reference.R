#!/usr/bin/env Rscript
# Reference values for Robustness.Statistics.Tests, produced by R (lm, summary.lm, cor.test).
# Run: Rscript tests/Robustness.Statistics.Tests/reference/make_reference.R
# Prints every value with 17 significant digits; the tests hold them as literals.
# The L25 design is the GF(5) construction (a, b, a+b, 2a+b, 3a+b, 4a+b) mod 5 over runs
# (a, b) in row order 5a + b, the same one OrthogonalArrays.L25() builds; y was produced by
# make_reference.py (regression_data) and is typed in here.
options(digits = 17)
f <- function(v) formatC(v, digits = 17, format = "g")
cat(R.version.string, "\n")

runs <- expand.grid(b = 0:4, a = 0:4)[, c("a", "b")]
cols <- with(runs, cbind(a, b, (a + b) %% 5, (2 * a + b) %% 5, (3 * a + b) %% 5, (4 * a + b) %% 5))
lev <- list(c(0, 2, 4, 6, 8), c(0, 2, 4, 6, 8), c(0.2, 0.25, 0.3, 0.35, 0.4), c(0, 0.05, 0.1, 0.15, 0.2))
X <- sapply(1:4, function(j) lev[[j]][cols[, j] + 1])
y <- c(0.2220, 0.2240, 0.1820, 0.1400, 0.1420, 0.2500, 0.2080, 0.2100, 0.3180, 0.3760, 0.2780, 0.3860,
       0.3880, 0.4460, 0.4040, 0.4560, 0.4140, 0.4720, 0.4740, 0.5820, 0.4400, 0.5420, 0.6500, 0.6520,
       0.6100)
d <- data.frame(y = y, fgsm = X[, 1], gauss = X[, 2], ci = X[, 3], ld = X[, 4])

report_lm <- function(name, fit) {
  s <- summary(fit)
  fs <- s$fstatistic
  cat(name, ": R =", f(sqrt(s$r.squared)), " R2 =", f(s$r.squared), " adjR2 =", f(s$adj.r.squared), "\n")
  cat(name, ": F =", f(fs[["value"]]), " df1 =", fs[["numdf"]], " df2 =", fs[["dendf"]],
      " p =", f(pf(fs[["value"]], fs[["numdf"]], fs[["dendf"]], lower.tail = FALSE)), "\n")
  cat(name, ": sigma =", f(s$sigma), " corr(y, fitted) =", f(cor(fit$model[[1]], fitted(fit))), "\n")
  co <- coef(s)
  for (i in seq_len(nrow(co))) {
    cat(name, ": coef", rownames(co)[i], " b =", f(co[i, 1]), " se =", f(co[i, 2]), " t =", f(co[i, 3]),
        " p =", f(co[i, 4]), "\n")
  }
}

report_lm("L25 y~4", lm(y ~ fgsm + gauss + ci + ld, data = d))
report_lm("L25 y~fgsm+gauss", lm(y ~ fgsm + gauss, data = d))

levels <- seq(0.5, 12, by = 0.5)
accA <- c(0.312, 0.355, 0.401, 0.452, 0.503, 0.561, 0.612, 0.668, 0.721, 0.760, 0.802, 0.835,
          0.861, 0.880, 0.893, 0.901, 0.893, 0.870, 0.835, 0.835, 0.790, 0.741, 0.702, 0.655)
report_lm("levels accA~level", lm(accA ~ levels))
ct <- function(name, x, y) {
  p <- cor.test(x, y, method = "pearson")
  s <- suppressWarnings(cor.test(x, y, method = "spearman", exact = FALSE))
  cat(name, ": pearson r =", f(p$estimate), " p =", f(p$p.value), "\n")
  cat(name, ": spearman rho =", f(s$estimate), " p =", f(s$p.value), "\n")
}
ct("levels~accA", levels, accA)
ct("ties", c(1, 2, 2, 3, 4, 4, 4, 5), c(2, 1, 3, 3, 5, 4, 6, 6))
ct("negative", 1:10, c(9.1, 8.7, 8.9, 7.2, 6.8, 5.1, 5.5, 3.9, 2.2, 1.8))
