# Golden values for analysis/crosstab.py, computed with R `survey` (Lumley) on the real ESS 2018
# extract (19 countries).
#
# How to run (from the repository root; needs the read-only data in ../shared/realdata):
#     apt-get install -y r-cran-survey r-cran-haven
#     Rscript tests/golden/crosstab_r.R
# It rewrites crosstab_r_cells.csv, crosstab_r_margins.csv, crosstab_r_tests.csv and
# crosstab_r_comparisons.csv beside itself. Versions used for the committed CSVs: R 4.2.2 Patched (2022-11-10 r83330),
# survey 4.1.1, haven 2.5.1. pytest never runs this script; it only reads the CSVs.
#
# Conventions (mirrored in tests/analysis/test_crosstab.py):
# - designs come from golden_designs.R ("srs", "strata_psu"; "unit" below has weights 1);
# - trust_cat: trust_police 0-4 "low", 5-6 "mid", 7-10 "high"; degree_label "TRUE"/"FALSE"/NA;
# - a cell's percent is svyby(~I(category), ~domain, svymean, deff = "replace") times 100 with the
#   domain = (col, layer) for column percents, (row, layer) for row percents, layer for total
#   percents; its interval is svyby(..., svyciprop, method = "logit", vartype = "ci") times 100.
#   For a cell with no respondents the logit fit does not converge, so its interval is written NA;
# - margins: a category's share of its layer's complete rows, svyby(~I(category), ~layer,
#   svymean / svyciprop) times 100, rows with either variable missing set NA;
# - tests per layer: svychisq(~row + col, layer's design, statistic = "Chisq" / "F" / "adjWald");
#   n_rows is nrow() of the layer's design (R scales the Pearson table to it, NA rows included),
#   n_complete the rows with both variables present;
# - comparisons: svyglm(I(category) ~ 0 + domain) on the whole design, then difference, its SE
#   from vcov (covariances included) and a two-sided normal p-value. (svyby(covmat = TRUE) is not
#   used: in survey 4.1.1 it returns a block-diagonal matrix for linearisation designs.)

script_dir <- local({
  arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
  dirname(normalizePath(sub("^--file=", "", arg[1])))
})
source(file.path(script_dir, "golden_designs.R"))

cat(R.version.string, "survey", format(packageVersion("survey")), "\n")

ess$one <- 1
designs <- c(designs_ess[c("srs", "strata_psu")],
             list(unit = svydesign(ids = ~1, weights = ~one, data = ess)))

prepare <- function(des, row, col, layer) {
  update(des,
         .row = as.character(get(row)),
         .col = as.character(get(col)),
         .layer = if (layer == "") rep("", length(get(row))) else as.character(get(layer)))
}

sorted_values <- function(x) sort(unique(x[!is.na(x)]))

cell_rows <- function(des, case, design, row, col, layer, percent) {
  des <- prepare(des, row, col, layer)
  v <- des$variables
  w <- weights(des)
  out <- list()
  if (percent == "col") {
    loop <- sorted_values(v$.row); by <- ~.col + .layer
  } else if (percent == "row") {
    loop <- sorted_values(v$.col); by <- ~.row + .layer
  } else {
    loop <- as.vector(outer(sorted_values(v$.row), sorted_values(v$.col), paste, sep = "\t"))
    by <- ~.layer
  }
  for (k in loop) {
    if (percent == "col") {
      ind <- as.numeric(v$.row == k)
    } else if (percent == "row") {
      ind <- as.numeric(v$.col == k)
    } else {
      rc <- strsplit(k, "\t")[[1]]
      ind <- as.numeric(v$.row == rc[1] & v$.col == rc[2])
    }
    ind[is.na(v$.row) | is.na(v$.col)] <- NA
    dk <- update(des, .ind = ind)
    m <- svyby(~.ind, by, dk, svymean, deff = "replace", na.rm = TRUE)
    ci <- suppressWarnings(svyby(~.ind, by, dk, svyciprop, method = "logit", vartype = "ci", na.rm = TRUE))
    for (i in seq_len(nrow(m))) {
      lay <- as.character(m$.layer[i])
      if (percent == "col") {
        r <- k; cc <- as.character(m$.col[i])
      } else if (percent == "row") {
        r <- as.character(m$.row[i]); cc <- k
      } else {
        r <- rc[1]; cc <- rc[2]
      }
      in_cell <- !is.na(v$.row) & !is.na(v$.col) & v$.row == r & v$.col == cc & v$.layer == lay
      n_cell <- sum(in_cell)
      out[[length(out) + 1]] <- data.frame(
        case = case, design = design, percent_base = percent, layer = lay, row = r, col = cc,
        percent = 100 * m$.ind[i], se = 100 * m$se[i],
        ci_low = if (n_cell == 0) NA else 100 * ci$ci_l[i],
        ci_high = if (n_cell == 0) NA else 100 * ci$ci_u[i],
        deff = m$DEff[i], weighted_n = sum(w[in_cell]), unweighted_n = n_cell,
        stringsAsFactors = FALSE)
    }
  }
  do.call(rbind, out)
}

margin_rows <- function(des, case, design, row, col, layer) {
  des <- prepare(des, row, col, layer)
  v <- des$variables
  w <- weights(des)
  complete <- !is.na(v$.row) & !is.na(v$.col)
  out <- list()
  for (margin in c("row", "col")) {
    values <- if (margin == "row") v$.row else v$.col
    for (k in sorted_values(values)) {
      ind <- as.numeric(values == k)
      ind[!complete] <- NA
      dk <- update(des, .ind = ind)
      m <- svyby(~.ind, ~.layer, dk, svymean, deff = "replace", na.rm = TRUE)
      ci <- svyby(~.ind, ~.layer, dk, svyciprop, method = "logit", vartype = "ci", na.rm = TRUE)
      for (i in seq_len(nrow(m))) {
        lay <- as.character(m$.layer[i])
        in_margin <- complete & values == k & v$.layer == lay
        out[[length(out) + 1]] <- data.frame(
          case = case, design = design, layer = lay, margin = margin, category = k,
          percent = 100 * m$.ind[i], se = 100 * m$se[i],
          ci_low = 100 * ci$ci_l[i], ci_high = 100 * ci$ci_u[i], deff = m$DEff[i],
          weighted_n = sum(w[in_margin]), unweighted_n = sum(in_margin), stringsAsFactors = FALSE)
      }
    }
  }
  do.call(rbind, out)
}

test_rows <- function(des, case, design, row, col, layer) {
  layers <- if (layer == "") "" else sorted_values(des$variables[[layer]])
  f <- as.formula(paste0("~", row, "+", col))
  do.call(rbind, lapply(layers, function(l) {
    sub <- if (l == "") des else des[des$variables[[layer]] %in% l, ]
    ch <- svychisq(f, sub, statistic = "Chisq")
    fs <- svychisq(f, sub, statistic = "F")
    aw <- svychisq(f, sub, statistic = "adjWald")
    data.frame(
      case = case, design = design, layer = l,
      pearson_x2 = unname(ch$statistic), chisq_df = unname(ch$parameter), chisq_p = ch$p.value,
      f = unname(fs$statistic), f_ndf = unname(fs$parameter[1]), f_ddf = unname(fs$parameter[2]),
      f_p = fs$p.value,
      adjwald_f = unname(aw$statistic[1]), adjwald_ndf = unname(aw$parameter[1]),
      adjwald_ddf = unname(aw$parameter[2]), adjwald_p = unname(aw$p.value[1]),
      n_rows = nrow(sub),
      n_complete = sum(!is.na(sub$variables[[row]]) & !is.na(sub$variables[[col]])),
      stringsAsFactors = FALSE)
  }))
}

comparison_rows <- function(des, case, design, row, col, layer) {
  des <- prepare(des, row, col, layer)
  v <- des$variables
  cols <- sorted_values(v$.col)
  layers <- sorted_values(v$.layer)
  out <- list()
  for (r in sorted_values(v$.row)) {
    dk <- update(des, .ind = as.numeric(.row == r), .dom = paste(.col, .layer, sep = "|"))
    fit <- svyglm(.ind ~ 0 + .dom, dk)
    b <- coef(fit)
    V <- vcov(fit)
    key <- function(cc, l) paste0(".dom", cc, "|", l)
    pair <- function(ka, kb) {
      d <- unname(b[ka] - b[kb])
      se <- sqrt(V[ka, ka] + V[kb, kb] - 2 * V[ka, kb])
      c(difference = d, se = se, p_value = 2 * pnorm(-abs(d / se)))
    }
    for (l in layers) for (i in seq_along(cols)) for (j in seq_along(cols)) if (i < j) {
      out[[length(out) + 1]] <- data.frame(
        case = case, design = design, compare = "columns", row = r, layer = l, col = "",
        a = cols[i], b = cols[j], t(pair(key(cols[i], l), key(cols[j], l))), stringsAsFactors = FALSE)
    }
    if (length(layers) > 1) {
      for (cc in cols) for (i in seq_along(layers)) for (j in seq_along(layers)) if (i < j) {
        out[[length(out) + 1]] <- data.frame(
          case = case, design = design, compare = "layers", row = r, layer = "", col = cc,
          a = layers[i], b = layers[j], t(pair(key(cc, layers[i]), key(cc, layers[j]))),
          stringsAsFactors = FALSE)
      }
    }
  }
  do.call(rbind, out)
}

cells <- list()
margins <- list()
tests <- list()
comparisons <- list()
for (design in c("srs", "strata_psu")) {
  des <- designs[[design]]
  for (percent in c("col", "row", "total")) {
    cells[[length(cells) + 1]] <- cell_rows(des, "trustcat_by_gender", design, "trust_cat", "gender", "", percent)
  }
  tests[[length(tests) + 1]] <- test_rows(des, "trustcat_by_gender", design, "trust_cat", "gender", "")

  cells[[length(cells) + 1]] <- cell_rows(des, "trustcat_by_country", design, "trust_cat", "country", "", "col")
  tests[[length(tests) + 1]] <- test_rows(des, "trustcat_by_country", design, "trust_cat", "country", "")
  comparisons[[length(comparisons) + 1]] <- comparison_rows(des, "trustcat_by_country", design, "trust_cat", "country", "")

  cells[[length(cells) + 1]] <- cell_rows(des, "trustcat_by_gender_by_country", design, "trust_cat", "gender", "country", "col")
  cells[[length(cells) + 1]] <- cell_rows(des, "trustcat_by_gender_by_country", design, "trust_cat", "gender", "country", "total")
  tests[[length(tests) + 1]] <- test_rows(des, "trustcat_by_gender_by_country", design, "trust_cat", "gender", "country")
  margins[[length(margins) + 1]] <- margin_rows(des, "trustcat_by_gender_by_country", design, "trust_cat", "gender", "country")
  comparisons[[length(comparisons) + 1]] <- comparison_rows(des, "trustcat_by_gender_by_country", design, "trust_cat", "gender", "country")
}
# 11 x 2 tables with empty cells in four countries, and 87 rows with degree missing.
cells[[length(cells) + 1]] <- cell_rows(designs$srs, "trust_by_degree_by_country", "srs", "trust_police", "degree_label", "country", "col")
tests[[length(tests) + 1]] <- test_rows(designs$srs, "trust_by_degree_by_country", "srs", "trust_police", "degree_label", "country")
margins[[length(margins) + 1]] <- margin_rows(designs$srs, "trust_by_degree_by_country", "srs", "trust_police", "degree_label", "country")
# Unit weights.
tests[[length(tests) + 1]] <- test_rows(designs$unit, "trustcat_by_country", "unit", "trust_cat", "country", "")

write_golden(do.call(rbind, cells), "crosstab_r_cells.csv")
write_golden(do.call(rbind, margins), "crosstab_r_margins.csv")
write_golden(do.call(rbind, tests), "crosstab_r_tests.csv")
write_golden(do.call(rbind, comparisons), "crosstab_r_comparisons.csv")
