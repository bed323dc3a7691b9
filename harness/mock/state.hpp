// The stateful reference server's store (conform serve --stateful): what documented creates made, by
// collection path and id; not part of the public API.
//   input : POST /v1.0/groups answered 201 with id "1f0c..."
//   output: collections["v1.0/groups"].items["1f0c..."] = {fields: {"id": "1f0c...", "displayName": ...}}
#pragma once

#include "mock/reference_server.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace conform::mock {

struct reference_server::store {
  struct entity {
    boost::json::object fields;  // what GET overlays on the documented shape
    std::size_t bytes = 0;       // serialised size, counted against options::max_entity_bytes
    std::uint64_t seq = 0;       // creation order, the order lists show
  };
  struct collection {
    std::unordered_map<std::string, entity> items;  // by lower-case id
    std::map<std::uint64_t, std::string> order;     // seq -> id
  };

  using collection_map = std::map<std::string, collection, std::less<>>;

  // The item `segments` name ("v1.0/groups/<id>"), as an iterator into its collection; nullopt when it is not
  // stored. Call with `mutex` held.
  struct item_ref {
    collection_map::iterator in;
    std::unordered_map<std::string, entity>::iterator item;
  };
  std::optional<item_ref> find_item(const std::vector<std::string>& segments);
  // Removes the item and every collection nested under it ("v1.0/groups/<id>/threads"). Call with `mutex`
  // held.
  void erase(item_ref ref);

  std::mutex mutex;  // guards everything below; handlers run on several threads
  // By lower-case path of the collection without a leading '/', "v1.0/groups", "v1.0/groups/<id>/threads":
  // ordered, so deleting an item removes the collections nested under it as one range.
  collection_map collections;
  std::size_t count = 0;
  std::size_t bytes = 0;
  std::uint64_t next_seq = 1;
};

}  // namespace conform::mock
