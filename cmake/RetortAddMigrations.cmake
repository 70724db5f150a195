# add_migrations(<target> MODELS <header>... [OBJECTS <file.sql>...] [DIRECTORY <dir>] [CHECK]
#                [DIALECTS sqlite postgresql] [POSTGRESQL_OBJECTS <file.sql>...])
#
# Scans the target's model headers with libclang at build time (with the target's own include
# directories, compile definitions and C++ standard), keeps one draft revision in the migration
# repository up to date with the models, and compiles every revision into the target, which
# links Retort::runtime. The scan re-runs only when a model, a header it includes or a revision
# file changes (depfile); files are written only when their content changes.
#   OBJECTS    plain SQL files of CREATE VIEW, CREATE TRIGGER and CREATE VIRTUAL TABLE statements,
#              part of the schema as the models are (docs/objects.md)
#   DIRECTORY  the migration repository (default: ${CMAKE_CURRENT_SOURCE_DIR}/migrations)
#   CHECK      never write: fail the build when a draft exists or would be written (CI, release)
#   DIALECTS   the databases the revisions are for: sqlite (the default), postgresql, or both;
#              PostgreSQL sections are proven on RETORT_POSTGRESQL_URL (environment or cache
#              variable), else on a throwaway server the build step starts in the build tree
#              and stops (docs/postgresql.md)
#   POSTGRESQL_OBJECTS  PostgreSQL's views, materialized views, functions, triggers, extensions
# The standard headers the models include are parsed once into a PCH cached under
# ${CMAKE_BINARY_DIR}/retort/pch (keyed on libclang, the flags and the headers) and reused.
# A cross build runs the build machine's tool (cmake/RetortHostTool.cmake) and scans for the
# target: its triple and sysroot (docs/cross-compiling.md).
include_guard(GLOBAL)
include(${CMAKE_CURRENT_LIST_DIR}/RetortPostgresqlServer.cmake)

cmake_policy(PUSH)
cmake_policy(SET CMP0116 NEW)  # depfile paths are relative to the binary dir, as Ninja needs

# The clang arguments that make the scan parse for the machine the target is compiled for: in a
# cross build (or with CMAKE_CXX_COMPILER_TARGET) its triple, as CMAKE_CXX_COMPILER_TARGET says or
# the compiler reports (-dumpmachine), with CMAKE_SYSROOT and the toolchain CMake passes to clang.
# A native build passes none: the scan parses for the build machine, as it always has.
function(_retort_scan_target out)
  set(flags "")
  if(CMAKE_CXX_COMPILER_TARGET)
    list(APPEND flags "--target=${CMAKE_CXX_COMPILER_TARGET}")
  elseif(CMAKE_CROSSCOMPILING)
    get_property(triple GLOBAL PROPERTY _retort_cxx_triple)
    if(NOT triple)
      execute_process(COMMAND ${CMAKE_CXX_COMPILER} -dumpmachine RESULT_VARIABLE rc
        OUTPUT_VARIABLE triple ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
      if(NOT rc EQUAL 0 OR NOT triple)
        message(FATAL_ERROR "add_migrations: the compiler '${CMAKE_CXX_COMPILER}' does not "
          "report its target (-dumpmachine); set CMAKE_CXX_COMPILER_TARGET to the target's "
          "triple, e.g. aarch64-linux-gnu")
      endif()
      set_property(GLOBAL PROPERTY _retort_cxx_triple "${triple}")
    endif()
    list(APPEND flags "--target=${triple}")
  endif()
  if(CMAKE_SYSROOT_COMPILE)
    list(APPEND flags "--sysroot=${CMAKE_SYSROOT_COMPILE}")
  elseif(CMAKE_SYSROOT)
    list(APPEND flags "--sysroot=${CMAKE_SYSROOT}")
  endif()
  if(CMAKE_CXX_COMPILER_EXTERNAL_TOOLCHAIN)
    list(APPEND flags "--gcc-toolchain=${CMAKE_CXX_COMPILER_EXTERNAL_TOOLCHAIN}")
  endif()
  set(${out} ${flags} PARENT_SCOPE)
endfunction()

function(add_migrations target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "CHECK" "DIRECTORY"
    "MODELS;OBJECTS;DIALECTS;POSTGRESQL_OBJECTS")
  if(NOT TARGET ${target})
    message(SEND_ERROR "add_migrations: '${target}' is not a target")
    return()
  endif()
  if(arg_UNPARSED_ARGUMENTS)
    message(SEND_ERROR "add_migrations: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
    return()
  endif()
  if(NOT arg_MODELS)
    message(SEND_ERROR "add_migrations: MODELS needs at least one model header")
    return()
  endif()
  # Without a tool of the right version (cmake/RetortHostTool.cmake): one error, with the
  # reason, however many targets call this.
  get_property(problem GLOBAL PROPERTY _retort_host_tool_problem)
  if(NOT problem AND NOT TARGET Retort::retort)
    set(problem "the retort tool is not available")
  endif()
  if(problem)
    message(FATAL_ERROR "add_migrations: ${problem}")
  endif()
  if(NOT arg_DIRECTORY)
    set(arg_DIRECTORY migrations)
  endif()
  get_filename_component(directory "${arg_DIRECTORY}" ABSOLUTE
    BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  set(models "")
  foreach(model IN LISTS arg_MODELS)
    get_filename_component(model "${model}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND models "${model}")
  endforeach()
  set(objects "")
  foreach(object IN LISTS arg_OBJECTS)
    get_filename_component(object "${object}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND objects "${object}")
  endforeach()
  set(objects_flag "")
  if(objects)
    set(objects_flag --objects ${objects})
  endif()
  if(NOT arg_DIALECTS)
    set(arg_DIALECTS sqlite)
  endif()
  foreach(dialect IN LISTS arg_DIALECTS)
    if(NOT dialect MATCHES "^(sqlite|postgresql)$")
      message(SEND_ERROR "add_migrations: unknown dialect '${dialect}' in DIALECTS (known: "
        "sqlite, postgresql)")
      return()
    endif()
  endforeach()
  list(JOIN arg_DIALECTS "," dialects)
  set(postgresql_flags "")
  if(arg_POSTGRESQL_OBJECTS AND NOT "postgresql" IN_LIST arg_DIALECTS)
    message(SEND_ERROR "add_migrations: POSTGRESQL_OBJECTS needs postgresql in DIALECTS")
    return()
  endif()
  foreach(object IN LISTS arg_POSTGRESQL_OBJECTS)
    get_filename_component(object "${object}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND objects "${object}")
    list(APPEND postgresql_flags --postgresql-objects "${object}")
  endforeach()
  if("postgresql" IN_LIST arg_DIALECTS)
    # Where the PostgreSQL sections are proven: a server named by RETORT_POSTGRESQL_URL, else a
    # throwaway one from the installed binaries, its data in the build tree.
    if(DEFINED RETORT_POSTGRESQL_URL AND NOT RETORT_POSTGRESQL_URL STREQUAL "")
      list(APPEND postgresql_flags --postgresql-url "${RETORT_POSTGRESQL_URL}")
    elseif(NOT DEFINED ENV{RETORT_POSTGRESQL_URL} OR "$ENV{RETORT_POSTGRESQL_URL}" STREQUAL "")
      retort_find_postgresql_bindir(bindir)
      if(NOT bindir)
        message(SEND_ERROR "add_migrations: DIALECTS postgresql proves each revision on a "
          "PostgreSQL server, and none is installed: install it (Debian: apt-get install "
          "postgresql), or name a server with RETORT_POSTGRESQL_URL")
        return()
      endif()
      list(APPEND postgresql_flags --postgresql-bindir "${bindir}")
    endif()
    list(APPEND postgresql_flags
      --postgresql-dir "${CMAKE_CURRENT_BINARY_DIR}/retort/${target}/postgresql")
  endif()

  set(out "${CMAKE_CURRENT_BINARY_DIR}/retort/${target}")
  set(embed "${out}/revisions.cpp")
  set(stamp "${out}/scan.stamp")
  set(depfile "${out}/scan.d")
  set(includes "$<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>")
  set(definitions "$<TARGET_PROPERTY:${target},COMPILE_DEFINITIONS>")
  set(standard "$<TARGET_PROPERTY:${target},CXX_STANDARD>")
  set(check_flag "")
  if(arg_CHECK)
    set(check_flag "--check")
  endif()
  # CMake 3.25's Makefile generators merge each new depfile into the target's cached list
  # instead of replacing it; the tool resets that cache when its depfile changes, so a sealed
  # draft or a renamed revision does not stay a prerequisite forever (docs/build.md).
  set(make_cache "")
  if(CMAKE_GENERATOR MATCHES "Makefiles")
    set(make_cache --make-depend-cache
      "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${target}_retort_scan.dir/compiler_depend.internal")
  endif()
  # The compiler's own include directories stay out of the scan's -I, as CMake leaves them out
  # of compile lines (an explicit -I/usr/include breaks libstdc++'s #include_next).
  set(implicit "")
  if(CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
    set(implicit --implicit-include-dirs ${CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES})
  endif()
  _retort_scan_target(target_flags)
  file(MAKE_DIRECTORY "${out}")

  # The stamp is the OUTPUT (always touched, so Make needs no restat); the embedded source is a
  # BYPRODUCT written only when it changes, so nothing recompiles for an unchanged scan.
  add_custom_command(
    OUTPUT "${stamp}"
    BYPRODUCTS "${embed}"
    COMMAND Retort::retort generate --dir "${directory}" --embed "${embed}"
            --depfile "${depfile}" --stamp "${stamp}" ${check_flag} ${make_cache}
            --pch-dir "${CMAKE_BINARY_DIR}/retort/pch"
            ${implicit}
            --dialects "${dialects}" ${postgresql_flags}
            --models ${models} ${objects_flag}
            -- "$<$<BOOL:${includes}>:-I$<JOIN:${includes},;-I>>"
               "$<$<BOOL:${definitions}>:-D$<JOIN:${definitions},;-D>>"
               "$<$<BOOL:${standard}>:-std=c++${standard}>"
               ${target_flags}
    DEPENDS ${models} ${objects} Retort::retort
    DEPFILE "${depfile}"
    COMMENT "Retort: scanning the models of ${target}"
    VERBATIM COMMAND_EXPAND_LISTS)
  add_custom_target(${target}_retort_scan DEPENDS "${stamp}")
  add_dependencies(${target} ${target}_retort_scan)
  target_sources(${target} PRIVATE "${embed}")
  target_link_libraries(${target} PRIVATE Retort::runtime)
endfunction()

cmake_policy(POP)
