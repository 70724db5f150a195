# retort_find_postgresql_bindir(<var>): the directory of a PostgreSQL (15 or later) server's
# programs (initdb, pg_ctl, postgres), for the throwaway servers Retort's proofs and tests run;
# "" when none is installed. RETORT_POSTGRESQL_BINDIR overrides the search.
include_guard(GLOBAL)

function(retort_find_postgresql_bindir var)
  if(RETORT_POSTGRESQL_BINDIR)
    set(${var} "${RETORT_POSTGRESQL_BINDIR}" PARENT_SCOPE)
    return()
  endif()
  set(candidates "")
  find_program(RETORT_PG_CONFIG pg_config)
  if(RETORT_PG_CONFIG)
    execute_process(COMMAND "${RETORT_PG_CONFIG}" --bindir OUTPUT_VARIABLE dir
      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    list(APPEND candidates "${dir}")
  endif()
  # Debian keeps each major version's server apart; the newest first.
  file(GLOB versions LIST_DIRECTORIES true /usr/lib/postgresql/*)
  list(SORT versions COMPARE NATURAL ORDER DESCENDING)
  foreach(v IN LISTS versions)
    list(APPEND candidates "${v}/bin")
  endforeach()
  foreach(dir IN LISTS candidates)
    if(EXISTS "${dir}/initdb" AND EXISTS "${dir}/pg_ctl" AND EXISTS "${dir}/postgres")
      set(${var} "${dir}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${var} "" PARENT_SCOPE)
endfunction()
