package dev.booster.vpp.codegen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;

/** A small {@code .api.json} with one of every construct the generator handles, as vppapigen writes them. */
final class TestApi {

    static final String JSON = """
            {
              "types": [
                ["address", ["vl_api_address_family_t", "af"], ["vl_api_address_union_t", "un", {"discriminator": "af"}]],
                ["prefix", ["vl_api_address_t", "address"], ["u8", "len"]],
                ["path", ["vl_api_interface_index_t", "sw_if_index", {"default": 4294967295}], ["u8", "n_labels"],
                         ["u32", "labels", 4], ["bool", "is_up", {"default": "true"}], ["f64", "weight", {"default": 1.0}],
                         ["i16", "offset"], ["u8", "interface"], {"comment": "/** A path *\\/ with \\\\u0041 in it */"}]
              ],
              "unions": [
                ["address_union", ["vl_api_ip4_address_t", "ip4", {"case": "ADDRESS_IP4"}],
                                  ["vl_api_ip6_address_t", "ip6", {"case": "ADDRESS_IP6"}]]
              ],
              "enums": [
                ["address_family", ["ADDRESS_IP4", 0], ["ADDRESS_IP6", 1], {"enumtype": "u8"}],
                ["if_status_flags", ["IF_STATUS_API_FLAG_ADMIN_UP", 1], ["IF_STATUS_API_FLAG_LINK_UP", 2], {"enumtype": "u32"}]
              ],
              "enumflags": [
                ["tunnel_flags", ["TUNNEL_API_FLAG_TRACK_MTU", 1], {"enumtype": "u8"}]
              ],
              "aliases": {
                "interface_index": {"type": "u32"},
                "ip4_address": {"type": "u8", "length": 4},
                "ip6_address": {"type": "u8", "length": 16},
                "address_with_prefix": {"type": "vl_api_prefix_t"}
              },
              "messages": [
                ["route_add", ["u16", "_vl_msg_id"], ["u32", "client_index"], ["u32", "context"],
                              ["vl_api_address_with_prefix_t", "prefix"], ["u8", "n_paths"],
                              ["vl_api_path_t", "paths", 0, "n_paths"], ["string", "tag", 64], {"crc": "0x5a"}],
                ["route_add_reply", ["u16", "_vl_msg_id"], ["u32", "context"], ["i32", "retval"],
                                    ["u32", "data_len"], ["u8", "data", 0, "data_len"], {"crc": "0xdeadbeef"}],
                ["route_dump", ["u16", "_vl_msg_id"], ["u32", "client_index"], ["u32", "context"],
                               ["string", "filter", 0], {"crc": "0x51077d14"}],
                ["route_details", ["u16", "_vl_msg_id"], ["u32", "context"], ["vl_api_prefix_t", "prefix"],
                                  ["vl_api_if_status_flags_t", "flags"], {"crc": "0x12345678"}],
                ["want_route_events", ["u16", "_vl_msg_id"], ["u32", "client_index"], ["u32", "context"],
                                      ["bool", "enable"], {"crc": "0x00000001"}],
                ["want_route_events_reply", ["u16", "_vl_msg_id"], ["u32", "context"], ["i32", "retval"], {"crc": "0x00000002"}],
                ["route_event", ["u16", "_vl_msg_id"], ["u32", "client_index"], ["u32", "pid"],
                                ["vl_api_tunnel_flags_t", "flags"], {"crc": "0x00000003"}],
                ["thread_exit", ["u16", "_vl_msg_id"], ["u8", "dummy"], {"crc": "0x00000004"}]
              ],
              "services": {
                "route_add": {"reply": "route_add_reply"},
                "route_dump": {"reply": "route_details", "stream": true},
                "want_route_events": {"reply": "want_route_events_reply", "events": ["route_event"]},
                "thread_exit": {"reply": "null"}
              }
            }
            """;

    private TestApi() {
    }

    static ApiFile file() {
        return file(JSON);
    }

    static ApiFile file(String json) {
        try {
            return ApiJsonReader.parse("test.api.json", new ObjectMapper().readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ApiDefinitions definitions() {
        return ApiDefinitions.of(List.of(file()));
    }
}
