package io.bourse.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.bourse.common.BourseException;
import io.bourse.common.ErrorCode;
import io.bourse.store.ContainerSpec;
import io.bourse.store.Document;
import io.bourse.store.DocumentStore;
import io.bourse.store.Page;
import io.bourse.store.Query;
import io.bourse.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Tenants and users in the document store.
 *
 * <p>Layout: {@code users} is partitioned by tenant id, so every user read is tenant-scoped by construction (a user
 * id from another tenant is simply absent from the caller's partition: 404, never its data). Login only knows the
 * email, so {@code user_emails} (partition = normalized email) maps it to (tenant, user); creating that index entry
 * first is what refuses duplicate emails atomically. {@code tenants} lives in one partition because the store
 * queries one partition at a time and listing tenants is an admin operation over a small set.
 */
public final class IdentityStore {
  static final String TENANTS = "tenants";
  static final String USERS = "users";
  static final String EMAILS = "user_emails";
  static final String TENANTS_PARTITION = "tenants";
  private static final String EMAIL_DOC = "user";

  private final DocumentStore store;
  private final Clock clock;
  // Access checks read the user on every request (disabled flag, current roles); a few seconds of staleness across
  // nodes is the price of not hitting the store per request. Local writes invalidate at once.
  private final Cache<String, User> users = Caffeine.newBuilder()
      .maximumSize(100_000)
      .expireAfterWrite(Duration.ofSeconds(5))
      .build();

  public IdentityStore(DocumentStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  public Future<Void> ensureContainers() {
    return store.ensureContainer(ContainerSpec.of(TENANTS, "name"))
        .compose(v -> store.ensureContainer(ContainerSpec.of(USERS, "email")))
        .compose(v -> store.ensureContainer(ContainerSpec.of(EMAILS)));
  }

  public record Tenant(String id, String name, String createdAt) {
    public JsonObject toApi() {
      return new JsonObject().put("id", id).put("name", name).put("createdAt", createdAt);
    }
  }

  public Future<Tenant> createTenant(String id, String name) {
    String now = clock.instant().toString();
    return store.create(TENANTS, Document.of(TENANTS_PARTITION, id,
            new JsonObject().put("name", name).put("createdAt", now)))
        .map(d -> new Tenant(d.id(), name, now));
  }

  public Future<Tenant> tenant(String id) {
    return store.read(TENANTS, TENANTS_PARTITION, id)
        .map(d -> d == null ? null : new Tenant(d.id(), d.body().getString("name"), d.body().getString("createdAt")));
  }

  public Future<Page> tenants(int limit, String cursor) {
    return store.query(TENANTS, Query.in(TENANTS_PARTITION).orderBy("id", false).limit(limit).continuation(cursor)
        .build());
  }

  /** Fails with ERR_CONFLICT_002 when the email is taken (in any tenant). */
  public Future<User> createUser(TenantScope scope, String email, String passwordHash, Set<Role> roles) {
    String tenantId = scope.tenantId();
    User user = new User(UUID.randomUUID().toString(), tenantId, email, passwordHash, Set.copyOf(roles), false,
        clock.instant().toString(), null);
    JsonObject index = new JsonObject().put("tenantId", tenantId).put("userId", user.id());
    return store.create(EMAILS, Document.of(email, EMAIL_DOC, index))
        .recover(e -> Future.failedFuture(isConflict(e)
            ? new BourseException(ErrorCode.CONFLICT_EXISTS, "A user with this email already exists") : e))
        .compose(v -> store.create(USERS, Document.of(tenantId, user.id(), user.body()))
            // Release the email again if the user itself could not be written, so it is not blocked forever.
            .recover(e -> store.delete(EMAILS, email, EMAIL_DOC, null).transform(x -> Future.failedFuture(e))))
        .map(User::from);
  }

  /** The user with this email, or null. */
  public Future<User> userByEmail(String email) {
    return store.read(EMAILS, email, EMAIL_DOC).compose(index -> index == null
        ? Future.succeededFuture(null)
        : user(TenantScope.operator(index.body().getString("tenantId")), index.body().getString("userId")));
  }

  /** Tenant-scoped point read: null when the id does not exist in that tenant. */
  public Future<User> user(TenantScope scope, String userId) {
    return store.read(USERS, scope.tenantId(), userId).map(d -> d == null ? null : User.from(d));
  }

  /** Like {@link #user} but served from a short-lived cache; for per-request access checks. */
  public Future<User> cachedUser(TenantScope scope, String userId) {
    String key = scope.tenantId() + "/" + userId;
    User hit = users.getIfPresent(key);
    if (hit != null) return Future.succeededFuture(hit);
    return user(scope, userId).onSuccess(u -> {
      if (u != null) users.put(key, u);
    });
  }

  public Future<Page> users(TenantScope scope, int limit, String cursor) {
    return store.query(USERS, Query.in(scope.tenantId()).orderBy("id", false).limit(limit).continuation(cursor).build());
  }

  /** Compare-and-set on the ETag read before; a concurrent change fails with ERR_CONFLICT_003. */
  public Future<User> updateUser(User updated) {
    users.invalidate(updated.tenantId() + "/" + updated.id());
    return store.replace(USERS, new Document(updated.id(), updated.tenantId(), updated.body(), null, 0L, 0),
            updated.etag())
        .map(User::from)
        .onComplete(ar -> users.invalidate(updated.tenantId() + "/" + updated.id()));
  }

  static boolean isConflict(Throwable e) {
    return e instanceof StoreException se && se.kind() == StoreException.Kind.CONFLICT;
  }

  static List<User> usersOf(Page page) {
    return page.items().stream().map(User::from).toList();
  }
}
