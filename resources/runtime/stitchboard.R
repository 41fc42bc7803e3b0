# Stitchboard's R side of the node contract: load a node's inputs, collect its outputs.
#
# The runtime (stitchboard_runtime.py, through stitchboard_rlang.py) sources this file into a
# private environment from the cells it adds to an R notebook; nothing is left in the user's
# global environment but the inputs. Only base R and jsonlite are used.
#
# Outputs: JSON values are written exactly (doubles with the fewest digits that read back to
# the same number: jsonlite prints at most 15), data frames as a typed columnar JSON file,
# every other R object as RDS. The runtime turns the files into artifacts.

sb_utf8 <- function(x) {
  # Text typed in a notebook reaches the kernel as UTF-8; in a C locale (a bare worker) R
  # leaves it unmarked and would escape every byte: mark it as what it is.
  x <- as.character(x)
  if (!isTRUE(l10n_info()[["UTF-8"]])) {
    unmarked <- !is.na(x) & Encoding(x) == "unknown"
    Encoding(x)[unmarked] <- "UTF-8"
  }
  enc2utf8(x)
}

sb_str <- function(x) {
  # JSON text of a character vector (an array)
  as.character(jsonlite::toJSON(sb_utf8(x), na = "null"))
}

sb_scalar_str <- function(x) {
  if (is.na(x)) "null" else as.character(jsonlite::toJSON(sb_utf8(x), auto_unbox = TRUE))
}

sb_num <- function(x) {
  text <- sprintf("%.15g", x)
  off <- is.finite(x) & suppressWarnings(as.numeric(text)) != x
  text[off] <- sprintf("%.17g", x[off])
  text[!is.finite(x)] <- "null"
  text
}

sb_elements <- function(x) {
  # one JSON text per element of an atomic vector (not character)
  if (is.logical(x)) return(ifelse(is.na(x), "null", ifelse(x, "true", "false")))
  if (is.integer(x)) return(ifelse(is.na(x), "null", as.character(x)))
  sb_num(as.double(x))
}

sb_array <- function(x) {
  if (is.character(x)) return(sb_str(x))
  paste0("[", paste(sb_elements(x), collapse = ","), "]")
}

sb_is_json <- function(x) {
  if (is.null(x)) return(TRUE)
  if (!is.null(oldClass(x)) || !is.null(dim(x))) return(FALSE)
  if (is.list(x)) return(all(vapply(x, sb_is_json, logical(1))))
  is.atomic(x) && typeof(x) %in% c("double", "integer", "character", "logical")
}

sb_named <- function(x) {
  !is.null(names(x)) && all(!is.na(names(x)) & names(x) != "")
}

sb_json <- function(x) {
  # a value sb_is_json accepts; length-one unnamed vectors become scalars
  if (is.null(x)) return("null")
  if (is.list(x)) {
    parts <- vapply(x, sb_json, "")
    if (sb_named(x)) {
      return(paste0("{", paste0(sb_str_keys(names(x)), ":", parts, collapse = ","), "}"))
    }
    return(paste0("[", paste(parts, collapse = ","), "]"))
  }
  if (sb_named(x)) {
    parts <- if (is.character(x)) vapply(x, sb_scalar_str, "") else sb_elements(x)
    return(paste0("{", paste0(sb_str_keys(names(x)), ":", parts, collapse = ","), "}"))
  }
  if (length(x) == 1) {
    return(if (is.character(x)) sb_scalar_str(x) else sb_elements(x))
  }
  sb_array(x)
}

sb_str_keys <- function(keys) vapply(keys, sb_scalar_str, "", USE.NAMES = FALSE)

sb_frame_column <- function(name, v) {
  extra <- ""
  if (is.factor(v)) {
    type <- "factor"
    extra <- paste0(',"levels":', sb_str(levels(v)))
    v <- as.character(v)
  } else if (inherits(v, "Date")) {
    type <- "Date"
    v <- format(v, "%Y-%m-%d")
  } else if (is.logical(v) && is.null(oldClass(v))) {
    type <- "logical"
  } else if (is.integer(v) && is.null(oldClass(v))) {
    type <- "integer"
  } else if (is.double(v) && is.null(oldClass(v))) {
    type <- "double"
  } else {
    type <- "character"
    v <- as.character(v)
  }
  paste0(
    '{"name":', sb_scalar_str(name), ',"type":"', type, '"', extra,
    ',"values":', sb_array(v), "}"
  )
}

sb_write_frame <- function(df, path) {
  columns <- vapply(seq_along(df), function(i) sb_frame_column(names(df)[i], df[[i]]), "")
  text <- paste0(
    '{"stitchboard_frame":1,"nrow":', nrow(df), ',"columns":[',
    paste(columns, collapse = ","), "]}"
  )
  writeLines(text, path, useBytes = TRUE)
}

sb_column_values <- function(values, type) {
  values[vapply(values, is.null, logical(1))] <- NA
  flat <- unlist(values)
  switch(type,
    double = as.double(flat),
    integer = as.integer(flat),
    logical = as.logical(flat),
    Date = as.Date(as.character(flat)),
    as.character(flat)
  )
}

sb_read_frame <- function(path) {
  spec <- jsonlite::fromJSON(path, simplifyVector = FALSE)
  columns <- lapply(spec$columns, function(col) {
    v <- sb_column_values(col$values, col$type)
    if (length(v) == 0) v <- sb_column_values(list(), col$type)
    if (identical(col$type, "factor")) v <- factor(v, levels = unlist(col$levels))
    v
  })
  names(columns) <- vapply(spec$columns, function(col) col$name, "")
  df <- structure(columns, class = "data.frame")
  attr(df, "row.names") <- .set_row_names(as.integer(spec$nrow))
  df
}

stitchboard_load <- function(manifest, env = globalenv()) {
  m <- jsonlite::fromJSON(manifest, simplifyVector = FALSE)
  for (name in names(m$inputs)) {
    entry <- m$inputs[[name]]
    value <- if ("frame" %in% names(entry)) {
      frame <- sb_read_frame(entry$frame)
      if (isTRUE(entry$vector)) frame[[1]] else frame
    } else if ("rds" %in% names(entry)) {
      readRDS(entry$rds)
    } else if ("path" %in% names(entry)) {
      entry$path
    } else {
      entry$value
    }
    assign(name, value, envir = env)
  }
  invisible(NULL)
}

sb_marker <- function(kind, path, class_name) {
  paste0(
    '{"__stitchboard_r__":', sb_scalar_str(kind), ',"path":', sb_scalar_str(path),
    ',"class":', sb_scalar_str(class_name), "}"
  )
}

stitchboard_collect <- function(names, staging, result, env = globalenv()) {
  here <- vapply(names, exists, logical(1), envir = env, inherits = FALSE)
  if (!all(here)) {
    stop("outputs never assigned: ", paste(names[!here], collapse = ", "), call. = FALSE)
  }
  dir.create(staging, recursive = TRUE, showWarnings = FALSE)
  parts <- character(0)
  for (name in names) {
    value <- get(name, envir = env, inherits = FALSE)
    if (is.data.frame(value)) {
      path <- file.path(staging, paste0(name, ".frame.json"))
      sb_write_frame(value, path)
      text <- sb_marker("dataframe", path, class(value)[1])
    } else if (sb_is_json(value)) {
      text <- sb_json(value)
    } else {
      path <- file.path(staging, paste0(name, ".rds"))
      saveRDS(value, path)
      text <- sb_marker("rds", path, class(value)[1])
    }
    parts <- c(parts, paste0(sb_scalar_str(name), ":", text))
  }
  tmp <- paste0(result, ".tmp")
  writeLines(paste0("{", paste(parts, collapse = ","), "}"), tmp, useBytes = TRUE)
  file.rename(tmp, result)
  invisible(NULL)
}
