package io.bourse.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.InputTrustHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.contract.SecurityScheme;
import io.vertx.openapi.contract.Server;
import io.vertx.openapi.contract.Style;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request validation against the contract, the same checks and errors as vertx-openapi's {@code RequestValidator},
 * without its two costs per request, both measured on {@code POST /api/v1/orders} (about a fifth of all CPU under
 * load): {@code SchemaRepository.validator(schema)} builds a new validator for every parameter and body, copying the
 * repository's whole lookup map of the contract's schemas each time; and {@code validate} runs in an ordered
 * {@code executeBlocking}, so the requests of one HTTP verticle queue behind each other on the worker pool. Here each
 * operation's validators are built once, when the router is, and validation runs on the event loop, where it is a
 * few microseconds of CPU. The parameter and body checks themselves are the library's
 * ({@link RequestValidatorImpl#validateParameter}, {@link RequestValidatorImpl#validateBody}), run against a contract
 * whose schema repository hands out the prebuilt validators.
 */
final class ContractValidation {
  private final RequestValidatorImpl checks;

  ContractValidation(Vertx vertx, OpenAPIContract contract) {
    Map<JsonSchema, Validator> validators = new IdentityHashMap<>();
    SchemaRepository repository = contract.getSchemaRepository();
    for (Operation operation : contract.operations()) {
      for (Parameter parameter : operation.getParameters()) {
        validators.computeIfAbsent(parameter.getSchema(), repository::validator);
      }
      if (operation.getRequestBody() != null) {
        for (MediaType media : operation.getRequestBody().getContent().values()) {
          if (media.getSchema() != null) validators.computeIfAbsent(media.getSchema(), repository::validator);
        }
      }
    }
    this.checks = new RequestValidatorImpl(vertx, new PrebuiltValidators(contract, validators));
  }

  /** The route's first handler: validates the request, or fails it as the contract router does (400 + cause). */
  InputTrustHandler handler(Operation operation, RequestExtractor extractor) {
    return ctx -> {
      Future<ValidatableRequest> extracted = extractor.extractValidatableRequest(ctx, operation);
      extracted.onComplete(ar -> {
        if (ar.failed()) {
          ctx.fail(ar.cause());
          return;
        }
        try {
          validate(operation, ar.result());
        } catch (ValidatorException e) {
          ctx.fail(new HttpException(400, e.getMessage(), e));
          return;
        }
        ctx.next();
      });
    };
  }

  private void validate(Operation operation, ValidatableRequest request) {
    for (Parameter parameter : operation.getParameters()) {
      RequestParameter value = switch (parameter.getIn()) {
        case COOKIE -> request.getCookies().get(parameter.getName());
        case HEADER -> request.getHeaders().get(parameter.getName());
        case PATH -> request.getPathParameters().get(parameter.getName());
        case QUERY -> request.getQuery().get(parameter.getName());
      };
      checks.validateParameter(parameter, asStringLiteral(parameter, value));
    }
    checks.validateBody(operation.getRequestBody(), request);
  }

  /**
   * A string parameter's value as a JSON string literal. The library parses every primitive as JSON first and, when
   * that throws, quotes it and parses again: an exception per request for any value with a character outside
   * {@code \w} (an Idempotency-Key UUID), and a value such as {@code 1.5} would become a number and fail a string
   * schema. Quoted, it is the string it was, parsed once.
   */
  private static RequestParameter asStringLiteral(Parameter parameter, RequestParameter value) {
    if (value == null || value.isNull() || parameter.getSchemaType() != SchemaType.STRING
        || (parameter.getStyle() != Style.SIMPLE && parameter.getStyle() != Style.FORM)) {
      return value;
    }
    String raw = String.valueOf(value.get());
    return raw.isEmpty() ? value : new RequestParameterImpl(Json.encode(raw));
  }

  /** The contract as it is, except that its schema repository returns the validators built once above. */
  private static final class PrebuiltValidators implements OpenAPIContract {
    private final OpenAPIContract contract;
    private final SchemaRepository repository;

    PrebuiltValidators(OpenAPIContract contract, Map<JsonSchema, Validator> validators) {
      this.contract = contract;
      SchemaRepository delegate = contract.getSchemaRepository();
      this.repository = new SchemaRepository() {
        @Override public SchemaRepository dereference(JsonSchema schema) { return delegate.dereference(schema); }
        @Override public SchemaRepository dereference(String uri, JsonSchema schema) { return delegate.dereference(uri, schema); }
        @Override public SchemaRepository preloadMetaSchema(FileSystem fs) { return delegate.preloadMetaSchema(fs); }
        @Override public SchemaRepository preloadMetaSchema(FileSystem fs, Draft draft) { return delegate.preloadMetaSchema(fs, draft); }
        @Override public Validator validator(String ref) { return delegate.validator(ref); }
        @Override public Validator validator(String ref, JsonSchemaOptions options) { return delegate.validator(ref, options); }
        @Override public Validator validator(JsonSchema schema, JsonSchemaOptions options, boolean dereference) {
          return delegate.validator(schema, options, dereference);
        }
        @Override public JsonObject resolve(JsonObject schema) { return delegate.resolve(schema); }
        @Override public JsonSchema find(String pointer) { return delegate.find(pointer); }

        @Override
        public Validator validator(JsonSchema schema) {
          Validator prebuilt = validators.get(schema);
          return prebuilt != null ? prebuilt : delegate.validator(schema);
        }
      };
    }

    @Override public SchemaRepository getSchemaRepository() { return repository; }
    @Override public Operation operation(String operationId) { return contract.operation(operationId); }
    @Override public List<Operation> operations() { return contract.operations(); }
    @Override public List<Path> getPaths() { return contract.getPaths(); }
    @Override public JsonObject getRawContract() { return contract.getRawContract(); }
    @Override public OpenAPIVersion getVersion() { return contract.getVersion(); }
    @Override public List<Server> getServers() { return contract.getServers(); }
    @Override public Path findPath(String urlPath) { return contract.findPath(urlPath); }
    @Override public Operation findOperation(String urlPath, HttpMethod method) { return contract.findOperation(urlPath, method); }
    @Override public List<SecurityRequirement> getSecurityRequirements() { return contract.getSecurityRequirements(); }
    @Override public SecurityScheme securityScheme(String name) { return contract.securityScheme(name); }
  }
}
