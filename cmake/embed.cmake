# yw_embed(SYMBOL BASE_DIR "FILES" OUTPUT)
# Generates OUTPUT, a C file defining
#     const struct yw_asset SYMBOL[];  const size_t SYMBOL_count;
# with one entry per file: its path relative to BASE_DIR and its bytes
# (NUL-terminated, the NUL not counted). The struct is declared in util/util.h.
function(yw_embed symbol base_dir files output)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DSYMBOL=${symbol} -DBASE_DIR=${base_dir} "-DFILES=${files}"
            -DOUTPUT=${output} -P ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${files} ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding ${symbol}"
    VERBATIM)
endfunction()
