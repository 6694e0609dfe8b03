package io.bourse.store;

/** One operation of an atomic single-partition batch. */
public record BatchOperation(Kind kind, Document document, String id, String ifMatch) {
  public enum Kind { CREATE, UPSERT, REPLACE, DELETE }

  public static BatchOperation create(Document d) { return new BatchOperation(Kind.CREATE, d, d.id(), null); }
  public static BatchOperation upsert(Document d) { return new BatchOperation(Kind.UPSERT, d, d.id(), null); }
  public static BatchOperation replace(Document d, String ifMatch) { return new BatchOperation(Kind.REPLACE, d, d.id(), ifMatch); }
  public static BatchOperation delete(String id, String ifMatch) { return new BatchOperation(Kind.DELETE, null, id, ifMatch); }
}
