# A throwaway PostgreSQL server for the tests (a CTest fixture): MODE=start initialises DIR/data
# (once) and starts it listening on a Unix socket in DIR only, MODE=stop stops it. As root the
# server runs as the `postgres` system user, which owns DIR. Needs BINDIR (initdb, pg_ctl).
cmake_minimum_required(VERSION 3.20)
foreach(var MODE DIR BINDIR PORT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "postgresql_server.cmake: -D${var}=... is required")
  endif()
endforeach()

set(as_user "")
execute_process(COMMAND id -u OUTPUT_VARIABLE uid OUTPUT_STRIP_TRAILING_WHITESPACE)
if(uid STREQUAL "0")
  set(as_user runuser -u postgres --)
endif()

if(MODE STREQUAL "stop")
  if(EXISTS "${DIR}/data/postmaster.pid")
    execute_process(COMMAND ${as_user} "${BINDIR}/pg_ctl" -D "${DIR}/data" -m fast -w stop
      RESULT_VARIABLE rc)
  endif()
  return()
endif()

file(MAKE_DIRECTORY "${DIR}")
if(as_user)
  execute_process(COMMAND chown -R postgres "${DIR}")
  execute_process(COMMAND ${as_user} test -w "${DIR}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "postgresql_server.cmake: user postgres cannot write ${DIR} (a parent "
      "directory is closed to it): build in a directory other users can traverse")
  endif()
endif()
if(EXISTS "${DIR}/data/postmaster.pid")  # left by an interrupted run
  execute_process(COMMAND ${as_user} "${BINDIR}/pg_ctl" -D "${DIR}/data" -m immediate -w stop
    OUTPUT_QUIET ERROR_QUIET)
endif()
if(NOT EXISTS "${DIR}/data/PG_VERSION")
  execute_process(COMMAND ${as_user} "${BINDIR}/initdb" -D "${DIR}/data" -A trust -U retort
    --no-sync RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "initdb failed: ${err}")
  endif()
endif()
# One role that must give its password (the wrong-password tests); every other connects on trust.
set(password_rule "local all retort_password scram-sha-256\n")
file(READ "${DIR}/data/pg_hba.conf" hba)
string(FIND "${hba}" "${password_rule}" at)
if(at EQUAL -1)
  file(WRITE "${DIR}/data/pg_hba.conf" "${password_rule}${hba}")
endif()
execute_process(COMMAND ${as_user} "${BINDIR}/pg_ctl" -D "${DIR}/data" -l "${DIR}/server.log"
  -o "-k ${DIR} -p ${PORT} -c listen_addresses= -c fsync=off -c max_connections=100" -w start
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  file(READ "${DIR}/server.log" log)
  message(FATAL_ERROR "pg_ctl start failed: ${err}\n${log}")
endif()
message(STATUS "PostgreSQL listening on ${DIR}/.s.PGSQL.${PORT}")
