# Golden values for analysis/survey.py, computed with R `survey` (Lumley) on the real ESS files.
#
# How to run (from the repository root; needs the read-only data in ../shared/realdata):
#     apt-get install -y r-cran-survey r-cran-haven
#     Rscript tests/golden/survey_r.R
# It rewrites survey_r_proportions.csv, survey_r_means.csv and survey_r_compare.csv beside itself.
# Versions used for the committed CSVs: R 4.2.2 Patched (2022-11-10 r83330), survey 4.1.1,
# haven 2.5.1. pytest never runs this script; it only reads the CSVs.
#
# Conventions (mirrored in tests/analysis/test_survey.py):
# - designs are built in golden_designs.R: "srs" (weights only), "strata_psu" (strata = country,
#   psu = row position within country mod 20, nest = TRUE), "strata_only" (strata = country or,
#   for Norway, region), "lonely" (as strata_psu but Cyprus is one PSU; survey.lonely.psu = "remove");
# - proportions are svymean(deff = "replace") and svyciprop(method = "logit" / "beta") per
#   svyby domain, na.rm = TRUE; df is degf() of the domain's design (what svyciprop uses);
# - means: svyby(svymean, deff = "replace"); their interval is confint(svymean, df = degf(domain));
# - differences: svyglm(y ~ 0 + group) on the whole design and svycontrast (normal interval and
#   two-sided normal p); independent samples: one svydesign per sample, var = var1 + var2.

script_dir <- local({
  arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
  dirname(normalizePath(sub("^--file=", "", arg[1])))
})
source(file.path(script_dir, "golden_designs.R"))

cat(R.version.string, "survey", format(packageVersion("survey")),
    "haven", format(packageVersion("haven")), "\n")

domain_df <- function(des, by, value) {
  degf(des[des$variables[[by]] %in% value, ])
}

proportion_rows <- function(des, dataset, design, by) {
  if (by == "") {
    m <- svymean(~trust_hi, des, deff = "replace", na.rm = TRUE)
    lg <- svyciprop(~trust_hi, des, method = "logit", na.rm = TRUE)
    bt <- svyciprop(~trust_hi, des, method = "beta", na.rm = TRUE)
    return(data.frame(
      dataset = dataset, design = design, by = "", group = "",
      estimate = unname(coef(m)), se = unname(SE(m)), deff = unname(deff(m)),
      ci_logit_low = attr(lg, "ci")[[1]], ci_logit_high = attr(lg, "ci")[[2]],
      ci_beta_low = attr(bt, "ci")[[1]], ci_beta_high = attr(bt, "ci")[[2]],
      df = degf(des), stringsAsFactors = FALSE
    ))
  }
  f <- as.formula(paste0("~", by))
  m <- svyby(~trust_hi, f, des, svymean, deff = "replace", na.rm = TRUE)
  lg <- svyby(~trust_hi, f, des, svyciprop, method = "logit", vartype = "ci", na.rm = TRUE)
  bt <- svyby(~trust_hi, f, des, svyciprop, method = "beta", vartype = "ci", na.rm = TRUE)
  groups <- as.character(m[[by]])
  stopifnot(identical(groups, as.character(lg[[by]])), identical(groups, as.character(bt[[by]])))
  data.frame(
    dataset = dataset, design = design, by = by, group = groups,
    estimate = m$trust_hi, se = m$se, deff = m$DEff,
    ci_logit_low = lg$ci_l, ci_logit_high = lg$ci_u,
    ci_beta_low = bt$ci_l, ci_beta_high = bt$ci_u,
    df = vapply(groups, function(g) domain_df(des, by, g), 0),
    stringsAsFactors = FALSE
  )
}

mean_rows <- function(des, dataset, design, variable, by) {
  f <- as.formula(paste0("~", variable))
  one <- function(sub, group) {
    m <- svymean(f, sub, deff = "replace", na.rm = TRUE)
    ci <- confint(m, df = degf(sub))
    data.frame(dataset = dataset, design = design, variable = variable, by = by, group = group,
               estimate = unname(coef(m)), se = unname(SE(m)), deff = unname(deff(m)),
               ci_low = ci[1, 1], ci_high = ci[1, 2], df = degf(sub), stringsAsFactors = FALSE)
  }
  if (by == "") return(one(des, ""))
  byf <- svyby(f, as.formula(paste0("~", by)), des, svymean, deff = "replace", na.rm = TRUE)
  rows <- do.call(rbind, lapply(as.character(byf[[by]]), function(g) {
    one(des[des$variables[[by]] %in% g, ], g)
  }))
  # The per-domain loop is what svyby does; check it agrees before writing.
  stopifnot(isTRUE(all.equal(rows$estimate, unname(byf[[variable]]), tolerance = 1e-14)),
            isTRUE(all.equal(rows$se, unname(byf$se), tolerance = 1e-14)))
  rows
}

proportions <- list()
means <- list()
for (design in names(designs_ess)) {
  for (by in c("", "country", "gender")) {
    proportions[[length(proportions) + 1]] <- proportion_rows(designs_ess[[design]], "ess2018", design, by)
    means[[length(means) + 1]] <- mean_rows(designs_ess[[design]], "ess2018", design, "trust_police", by)
  }
}
for (design in names(designs_no)) {
  for (by in c("", "gndr")) {
    proportions[[length(proportions) + 1]] <- proportion_rows(designs_no[[design]], "ess9no", design, by)
    means[[length(means) + 1]] <- mean_rows(designs_no[[design]], "ess9no", design, "trstplc", by)
  }
}
local({
  old <- options(survey.lonely.psu = "remove")
  on.exit(options(old))
  lonely <- svydesign(ids = ~psu_lonely, strata = ~country, weights = ~weight, nest = TRUE, data = ess)
  for (by in c("", "country", "gender")) {
    proportions[[length(proportions) + 1]] <<- proportion_rows(lonely, "ess2018", "lonely", by)
  }
})
write_golden(do.call(rbind, proportions), "survey_r_proportions.csv")
write_golden(do.call(rbind, means), "survey_r_means.csv")

# Differences of proportions.
same_design_difference <- function(des, group, value, reference) {
  fit <- svyglm(as.formula(paste0("trust_hi ~ 0 + ", group)), des)
  contrast <- setNames(numeric(length(coef(fit))), names(coef(fit)))
  contrast[paste0(group, value)] <- 1
  contrast[paste0(group, reference)] <- -1
  cc <- svycontrast(fit, contrast)
  d <- unname(coef(cc))
  se <- unname(SE(cc))
  ci <- confint(cc)
  c(difference = d, se = se, ci_low = ci[1, 1], ci_high = ci[1, 2],
    p_value = 2 * pnorm(-abs(d / se)))
}
compare <- list()
for (design in c("srs", "strata_psu")) {
  des <- update(designs_ess[[design]], area = ifelse(country == "Norway", "Norway", "rest"))
  compare[[length(compare) + 1]] <- c(
    list(case = "gender_same_design", design = design, value = "Female", reference = "Male"),
    as.list(same_design_difference(des, "gender", "Female", "Male")))
  compare[[length(compare) + 1]] <- c(
    list(case = "norway_vs_rest", design = design, value = "Norway", reference = "rest"),
    as.list(same_design_difference(des, "area", "Norway", "rest")))
  # Independent samples: each country is its own survey with its own design.
  own <- function(country_name) {
    rows <- ess[ess$country == country_name, ]
    sub <- if (design == "srs") {
      svydesign(ids = ~1, weights = ~weight, data = rows)
    } else {
      svydesign(ids = ~psu, strata = ~country, weights = ~weight, nest = TRUE, data = rows)
    }
    svymean(~trust_hi, sub)
  }
  m_value <- own("Norway")
  m_reference <- own("Finland")
  d <- unname(coef(m_value) - coef(m_reference))
  se <- sqrt(unname(vcov(m_value) + vcov(m_reference)))
  compare[[length(compare) + 1]] <- list(
    case = "norway_vs_finland_independent", design = design, value = "Norway", reference = "Finland",
    difference = d, se = se, ci_low = d - qnorm(0.975) * se, ci_high = d + qnorm(0.975) * se,
    p_value = 2 * pnorm(-abs(d / se)))
}
write_golden(do.call(rbind, lapply(compare, as.data.frame, stringsAsFactors = FALSE)), "survey_r_compare.csv")
