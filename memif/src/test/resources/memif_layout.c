/*
 * Booster's transcription of the memif 2.0 wire and shared-memory structs (as libmemif's and DPDK's memif.h declare
 * them: packed messages, a 16-bit type bit-field, an 8-bit mode bit-field, 64-byte cache-line marks in the ring),
 * compiled by MemifLayoutTest to print every offset and size the Java layouts must match.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef enum { T_NONE } msg_type_t;
typedef enum { M_ETHERNET } if_mode_t;

typedef struct __attribute__((packed)) {
  uint8_t name[32]; uint16_t min_version; uint16_t max_version; uint16_t max_region;
  uint16_t max_m2s_ring; uint16_t max_s2m_ring; uint8_t max_log2_ring_size;
} hello_t;

typedef struct __attribute__((packed)) {
  uint16_t version; uint32_t id; if_mode_t mode:8; uint8_t secret[24]; uint8_t name[32];
} init_t;

typedef struct __attribute__((packed)) { uint16_t index; uint64_t size; } add_region_t;

typedef struct __attribute__((packed)) {
  uint16_t flags; uint16_t index; uint16_t region; uint32_t offset; uint8_t log2_ring_size; uint16_t private_hdr_size;
} add_ring_t;

typedef struct __attribute__((packed)) { uint8_t if_name[32]; } connect_t;

typedef struct __attribute__((packed)) { uint32_t code; uint8_t string[96]; } disconnect_t;

typedef struct __attribute__((packed, aligned(128))) {
  msg_type_t type:16;
  union { hello_t hello; init_t init; add_region_t add_region; add_ring_t add_ring; connect_t connect;
          connect_t connected; disconnect_t disconnect; };
} msg_t;

typedef struct __attribute__((packed)) {
  uint16_t flags; uint16_t region; uint32_t length; uint32_t offset; uint32_t metadata;
} desc_t;

typedef struct {
  uint8_t cacheline0[0] __attribute__((aligned(64)));
  uint32_t cookie; uint16_t flags; volatile uint16_t head;
  uint8_t cacheline1[0] __attribute__((aligned(64)));
  volatile uint16_t tail;
  uint8_t cacheline2[0] __attribute__((aligned(64)));
  desc_t desc[0];
} ring_t;

#define P(name, value) printf("%s %zu\n", name, (size_t) (value))

int main(void) {
  P("msg.size", sizeof(msg_t));
  P("msg.payload", offsetof(msg_t, hello));
  P("hello.size", sizeof(hello_t));
  P("hello.min_version", offsetof(hello_t, min_version));
  P("hello.max_version", offsetof(hello_t, max_version));
  P("hello.max_region", offsetof(hello_t, max_region));
  P("hello.max_m2s_ring", offsetof(hello_t, max_m2s_ring));
  P("hello.max_s2m_ring", offsetof(hello_t, max_s2m_ring));
  P("hello.max_log2_ring_size", offsetof(hello_t, max_log2_ring_size));
  P("init.size", sizeof(init_t));
  P("init.id", offsetof(init_t, id));
  P("init.secret", offsetof(init_t, secret));
  P("init.name", offsetof(init_t, name));
  P("add_region.size", sizeof(add_region_t));
  P("add_region.region_size", offsetof(add_region_t, size));
  P("add_ring.size", sizeof(add_ring_t));
  P("add_ring.index", offsetof(add_ring_t, index));
  P("add_ring.region", offsetof(add_ring_t, region));
  P("add_ring.offset", offsetof(add_ring_t, offset));
  P("add_ring.log2_ring_size", offsetof(add_ring_t, log2_ring_size));
  P("add_ring.private_hdr_size", offsetof(add_ring_t, private_hdr_size));
  P("connect.size", sizeof(connect_t));
  P("disconnect.size", sizeof(disconnect_t));
  P("disconnect.string", offsetof(disconnect_t, string));
  P("desc.size", sizeof(desc_t));
  P("desc.region", offsetof(desc_t, region));
  P("desc.length", offsetof(desc_t, length));
  P("desc.offset", offsetof(desc_t, offset));
  P("desc.metadata", offsetof(desc_t, metadata));
  P("ring.cookie", offsetof(ring_t, cookie));
  P("ring.flags", offsetof(ring_t, flags));
  P("ring.head", offsetof(ring_t, head));
  P("ring.tail", offsetof(ring_t, tail));
  P("ring.desc", offsetof(ring_t, desc));
  /* Bit-fields have no offsetof: set one and see which byte changed. */
  init_t init; memset(&init, 0, sizeof init); init.mode = (if_mode_t) 1;
  for (size_t k = 0; k < sizeof init; k++) if (((uint8_t *) &init)[k]) P("init.mode", k);
  msg_t msg; memset(&msg, 0, sizeof msg); msg.type = (msg_type_t) 0x0201;
  for (size_t k = 0; k < sizeof msg; k++) if (((uint8_t *) &msg)[k] == 0x01) P("msg.type.low_byte", k);
  P("msg.type.size", (((uint8_t *) &msg)[1] == 0x02) ? 2 : 1);
  return 0;
}
