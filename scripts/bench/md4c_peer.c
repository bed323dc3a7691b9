/* Peer for scripts/bench-extract: md4c, the parser conform extract is built on, over the same pages with the same
 * flags. `md4c_peer --parse FILE...` is a bare parse (md_parse with callbacks that do nothing): the floor for any
 * extractor built on md4c, the figure extraction is held to (within 2.5x). `md4c_peer FILE...` also renders HTML
 * (libmd4c-html), output discarded. */
#include <md4c-html.h>
#include <md4c.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void discard(const MD_CHAR* text, MD_SIZE size, void* total) {
  (void)text;
  *(size_t*)total += size;
}

static int on_block(MD_BLOCKTYPE type, void* detail, void* total) {
  (void)type;
  (void)detail;
  ++*(size_t*)total;
  return 0;
}
static int on_span(MD_SPANTYPE type, void* detail, void* total) {
  (void)type;
  (void)detail;
  (void)total;
  return 0;
}
static int on_text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* total) {
  (void)type;
  (void)text;
  *(size_t*)total += size;
  return 0;
}

int main(int argc, char** argv) {
  size_t total = 0, cap = 0;
  char* buf = NULL;
  int parse_only = argc > 1 && strcmp(argv[1], "--parse") == 0;
  const unsigned flags = MD_FLAG_TABLES | MD_FLAG_NOINDENTEDCODEBLOCKS;
  MD_PARSER parser = {0, flags, on_block, on_block, on_span, on_span, on_text, NULL, NULL};
  for (int i = 1 + parse_only; i < argc; ++i) {
    FILE* f = fopen(argv[i], "rb");
    if (!f) {
      perror(argv[i]);
      return 2;
    }
    size_t n = 0, got;
    for (;;) {
      if (n == cap) {
        cap = cap ? cap * 2 : 1 << 16;
        buf = realloc(buf, cap);
        if (!buf) return 2;
      }
      got = fread(buf + n, 1, cap - n, f);
      if (got == 0) break;
      n += got;
    }
    fclose(f);
    int rc = parse_only ? md_parse(buf, (MD_SIZE)n, &parser, &total)
                        : md_html(buf, (MD_SIZE)n, discard, &total, flags, 0);
    if (rc != 0) return 1;
  }
  free(buf);
  printf("%zu\n", total);
  return 0;
}
