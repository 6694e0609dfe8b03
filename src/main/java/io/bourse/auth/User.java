package io.bourse.auth;

import io.bourse.store.Document;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.Set;

/** A stored user. The password hash never leaves this record through {@link #toApi()} or {@link #toString()}. */
public record User(String id, String tenantId, String email, String passwordHash, Set<Role> roles, boolean disabled,
                   String createdAt, String etag) {

  static User from(Document d) {
    JsonObject b = d.body();
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (Object r : b.getJsonArray("roles", new JsonArray())) {
      Role role = Role.fromWire(String.valueOf(r));
      if (role != null) roles.add(role);
    }
    return new User(d.id(), d.partitionKey(), b.getString("email"), b.getString("passwordHash"), Set.copyOf(roles),
        b.getBoolean("disabled", false), b.getString("createdAt"), d.etag());
  }

  JsonObject body() {
    return new JsonObject()
        .put("email", email)
        .put("passwordHash", passwordHash)
        .put("roles", rolesJson(roles))
        .put("disabled", disabled)
        .put("createdAt", createdAt);
  }

  public JsonObject toApi() {
    return new JsonObject()
        .put("id", id)
        .put("email", email)
        .put("tenantId", tenantId)
        .put("roles", rolesJson(roles))
        .put("disabled", disabled)
        .put("createdAt", createdAt);
  }

  User with(Set<Role> newRoles, boolean newDisabled) {
    return new User(id, tenantId, email, passwordHash, Set.copyOf(newRoles), newDisabled, createdAt, etag);
  }

  static JsonArray rolesJson(Set<Role> roles) {
    JsonArray out = new JsonArray();
    roles.stream().sorted().forEach(r -> out.add(r.wire()));
    return out;
  }

  @Override
  public String toString() {
    return "User[id=" + id + ", tenantId=" + tenantId + ", roles=" + roles + ", disabled=" + disabled + "]";
  }
}
