# Shared by survey_r.R and crosstab_r.R: reads the real ESS files and builds the survey designs
# the golden values are computed on. Not run on its own; see README.md in this folder.
#
# R 4.2.2 (Debian "R version 4.2.2 Patched (2022-11-10 r83330)"), survey 4.1.1 (r-cran-survey),
# haven 2.5.1 (r-cran-haven).

suppressMessages({
  library(survey)
  library(haven)
})
Sys.setlocale("LC_COLLATE", "C")  # category order = byte order, as polars sorts strings
options(survey.lonely.psu = "fail")

script_dir <- local({
  arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
  dirname(normalizePath(sub("^--file=", "", arg[1])))
})
realdata <- normalizePath(file.path(script_dir, "..", "..", "..", "shared", "realdata", "survey_ess"))

# Full precision, one number per cell, as the brief requires: format(x, digits = 17).
fmt17 <- function(df) {
  for (name in names(df)) {
    if (is.numeric(df[[name]])) {
      df[[name]] <- vapply(df[[name]], function(v) format(v, digits = 17), "")
    }
  }
  df
}
write_golden <- function(df, name) {
  write.csv(fmt17(df), file.path(script_dir, name), row.names = FALSE)
}

# ESS 2018 extract (19 countries). The first, unnamed column is the row index "X".
ess <- read.csv(file.path(realdata, "ess2018_extract_trust_police_weight.csv"),
                stringsAsFactors = FALSE)
ess$trust_hi <- as.numeric(ess$trust_police >= 7)
ess$trust_cat <- ifelse(ess$trust_police <= 4, "low", ifelse(ess$trust_police <= 6, "mid", "high"))
ess$degree_label <- ifelse(is.na(ess$degree), NA, ifelse(ess$degree, "TRUE", "FALSE"))
# Synthetic PSUs made deterministically from real rows: 0-based position of the row within its
# country in file order, modulo 20 (so 20 PSUs per country stratum).
ess$psu <- (ave(seq_len(nrow(ess)), ess$country, FUN = seq_along) - 1) %% 20
# The same, except that every Cyprus row is in PSU 0: a stratum with a single PSU.
ess$psu_lonely <- ifelse(ess$country == "Cyprus", 0, ess$psu)

designs_ess <- list(
  srs = svydesign(ids = ~1, weights = ~weight, data = ess),
  strata_psu = svydesign(ids = ~psu, strata = ~country, weights = ~weight, nest = TRUE, data = ess),
  strata_only = svydesign(ids = ~1, strata = ~country, weights = ~weight, data = ess)
)

# ESS round 9 Norway, the complete Stata file. haven reads the extended missing values
# .b (refusal), .c (don't know) and .d (no answer) of trstplc as NA.
no <- read_dta(file.path(realdata, "ESS9NO_round9_norway_full.dta"), encoding = "latin1",
               col_select = c("idno", "trstplc", "pspwght", "gndr", "region"))
no <- data.frame(
  trstplc = as.numeric(zap_labels(no$trstplc)),
  pspwght = as.numeric(no$pspwght),
  gndr = as.character(as.numeric(zap_labels(no$gndr))),
  region = as.character(no$region),
  stringsAsFactors = FALSE
)
stopifnot(sum(is.na(no$trstplc)) == 3)
no$trust_hi <- as.numeric(no$trstplc >= 7)

designs_no <- list(
  srs = svydesign(ids = ~1, weights = ~pspwght, data = no),
  strata_only = svydesign(ids = ~1, strata = ~region, weights = ~pspwght, data = no)
)
