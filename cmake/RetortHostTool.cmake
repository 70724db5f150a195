# The retort tool of the build machine, for builds that do not build one: a cross build (the
# scan and the diff run on the build machine, where a tool built for the target cannot run) and
# a package installed with RETORT_BUILD_TOOL=OFF. Like protobuf's protoc and Qt's host tools, it
# is taken from, in this order:
#   RETORT_TOOL         the path of a retort executable
#   RETORT_HOST_PREFIX  where Retort is installed for the build machine (or its build tree):
#                       find_package() loads that package's RetortToolConfig.cmake, the tool alone
#   PATH                a retort on the build machine's PATH
# It never looks for libclang: the tool found loads its own. The tool must be of the runtime's
# version; it becomes the imported executable Retort::retort, which add_migrations() runs.
# Without one, add_migrations() fails with the reason (_retort_host_tool_problem).
include_guard(GLOBAL)

set(RETORT_TOOL "" CACHE FILEPATH "The retort tool to run on the build machine (cross builds)")
set(RETORT_HOST_PREFIX "" CACHE PATH "Where Retort is installed for the build machine")

# The tool named by RETORT_TOOL, RETORT_HOST_PREFIX or PATH, in `out` ("" when none), and how it
# was found in `out_how`; a RETORT_HOST_PREFIX package defines Retort::retort itself.
function(_retort_find_host_tool out out_how)
  set(tool "")
  if(RETORT_TOOL)
    set(how "RETORT_TOOL")
    set(tool "${RETORT_TOOL}")
  elseif(RETORT_HOST_PREFIX)
    set(how "found in RETORT_HOST_PREFIX")
    # The host package's tool alone: its runtime is the build machine's, not the target's.
    unset(RetortHost_DIR CACHE)
    find_package(RetortHost NAMES Retort CONFIGS RetortToolConfig.cmake QUIET
      PATHS "${RETORT_HOST_PREFIX}" NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
    unset(RetortHost_DIR CACHE)
    if(TARGET Retort::retort)
      get_target_property(tool Retort::retort LOCATION)
    endif()
  else()
    set(how "found on PATH")
    find_program(_retort_on_path retort NO_PACKAGE_ROOT_PATH NO_CMAKE_PATH
      NO_CMAKE_ENVIRONMENT_PATH NO_CMAKE_SYSTEM_PATH NO_CMAKE_FIND_ROOT_PATH)
    if(_retort_on_path)
      set(tool "${_retort_on_path}")
    endif()
    unset(_retort_on_path CACHE)  # looked up again at each configure: PATH may change
  endif()
  set(${out} "${tool}" PARENT_SCOPE)
  set(${out_how} "${how}" PARENT_SCOPE)
endfunction()

# Why the tool found (`tool`, `how`) cannot generate for a runtime of `version`, in `out`; ""
# when it can. `retort --version` prints "retort X.Y.Z".
function(_retort_check_host_tool tool how version out)
  execute_process(COMMAND "${tool}" --version RESULT_VARIABLE rc OUTPUT_VARIABLE said
    ERROR_VARIABLE said OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_STRIP_TRAILING_WHITESPACE)
  string(REGEX REPLACE "\n.*" "" said "${said}")  # its first line is enough to recognise
  if(NOT rc EQUAL 0 OR NOT said MATCHES "^retort ([0-9]+\\.[0-9]+\\.[0-9]+)$")
    string(CONCAT problem "'${tool}' (${how}) is not a retort tool that runs on the build "
      "machine: '${tool} --version' gave '${said}' (${rc}); give the build machine's own retort "
      "(docs/cross-compiling.md)")
  elseif(NOT CMAKE_MATCH_1 VERSION_EQUAL version)
    string(CONCAT problem "the retort tool '${tool}' (${how}) is version ${CMAKE_MATCH_1}, but "
      "the runtime it would generate revisions for is version ${version}; use the retort tool "
      "of Retort ${version}, built for the build machine")
  else()
    set(problem "")
  endif()
  set(${out} "${problem}" PARENT_SCOPE)
endfunction()

# Defines the imported executable Retort::retort (GLOBAL when `scope` is GLOBAL) for the build
# machine's tool of `version`; otherwise keeps the reason, which add_migrations() reports (a
# build that never calls it needs no tool).
function(_retort_import_host_tool version scope)
  _retort_find_host_tool(tool how)
  if(NOT tool AND how STREQUAL "found in RETORT_HOST_PREFIX")
    string(CONCAT problem "RETORT_HOST_PREFIX is '${RETORT_HOST_PREFIX}', but no Retort with its "
      "tool is installed there (lib/cmake/Retort/RetortToolConfig.cmake); install Retort "
      "${version} there for the build machine, with RETORT_BUILD_TOOL=ON "
      "(docs/cross-compiling.md)")
  elseif(NOT tool)
    string(CONCAT problem "no retort tool to run on the build machine (this Retort builds "
      "none: a cross build, or RETORT_BUILD_TOOL=OFF); name one with "
      "-DRETORT_TOOL=/path/to/retort, put one on PATH, or set RETORT_HOST_PREFIX to where "
      "Retort ${version} is installed for the build machine (docs/cross-compiling.md)")
  else()
    _retort_check_host_tool("${tool}" "${how}" "${version}" problem)
  endif()
  set_property(GLOBAL PROPERTY _retort_host_tool_problem "${problem}")
  if(problem)
    return()
  endif()
  if(NOT TARGET Retort::retort)
    add_executable(Retort::retort IMPORTED ${scope})
    set_target_properties(Retort::retort PROPERTIES IMPORTED_LOCATION "${tool}")
  elseif(scope STREQUAL "GLOBAL")
    set_target_properties(Retort::retort PROPERTIES IMPORTED_GLOBAL TRUE)
  endif()
  message(STATUS "Retort: the build machine's retort tool: ${tool} (${how})")
endfunction()
