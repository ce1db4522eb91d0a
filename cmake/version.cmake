# Writes the version source (util/version.hpp): -DVERSION=<project version> -DSRC_DIR=<source
# tree> -DOUT=<generated .cpp> -DIN=<template>. Runs at configure time and again
# before every build (target ktstr_version), so the git hash follows HEAD and
# the dirty flag; configure_file leaves the file untouched when nothing
# changed, so an unchanged tree recompiles nothing.
set(KTSTR_VERSION "${VERSION}")
set(KTSTR_GIT_DESCRIBE "unknown")
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(
    COMMAND ${GIT_EXECUTABLE} describe --always --dirty
    WORKING_DIRECTORY ${SRC_DIR}
    OUTPUT_VARIABLE describe
    RESULT_VARIABLE rc
    OUTPUT_STRIP_TRAILING_WHITESPACE
    ERROR_QUIET)
  if(rc EQUAL 0 AND NOT describe STREQUAL "")
    set(KTSTR_GIT_DESCRIBE "${describe}")
  endif()
endif()
configure_file(${IN} ${OUT} @ONLY)
