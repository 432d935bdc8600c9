package io.lockstep.avro;

import io.lockstep.deadletter.Reason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * Decodes parsed CSV rows against the input schema (docs/spec.md, Reading inputs): columns are matched to fields by
 * header name in any order; an empty unquoted cell is null (a quoted {@code ""} is an empty string);
 * extra columns are ignored unless requested as extras. A row with another number of cells than the
 * header is {@code decode:record}. A header naming a column twice is refused (unnamed columns, which no field can read, may repeat): which of the two a
 * field would read is a guess (docs/spec.md, Reading inputs).
 */
public final class CsvRecordDecoder {
  private final Schema schema;
  private final int[] columnOfField;
  private final Schema[] types;
  private final boolean[] nullable;
  private final int[] extraColumns;
  private final int headerSize;

  /**
   * @param header the header row's cells
   * @param extras names of passthrough columns that are not schema fields
   * @throws IllegalArgumentException naming the missing column, when a non-null field is absent, or
   *     the repeated column, when the header names one twice
   */
  public CsvRecordDecoder(Schema schema, List<String> header, List<String> extras, String file) {
    this.schema = schema;
    this.headerSize = header.size();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      Integer first = index.putIfAbsent(header.get(i), i);
      if (first != null && !header.get(i).isEmpty()) {
        throw new IllegalArgumentException(file + ": the header names column '" + header.get(i) + "' twice (columns "
            + (first + 1) + " and " + (i + 1) + "); rename one so each value has one meaning");
      }
    }
    List<Schema.Field> fields = schema.getFields();
    columnOfField = new int[fields.size()];
    types = new Schema[fields.size()];
    nullable = new boolean[fields.size()];
    List<String> missing = new ArrayList<>();
    for (Schema.Field f : fields) {
      Integer col = index.get(f.name());
      columnOfField[f.pos()] = col == null ? -1 : col;
      types[f.pos()] = TextValues.nonNull(f.schema());
      nullable[f.pos()] = TextValues.nullable(f.schema());
      if (col == null && !nullable[f.pos()] && !f.hasDefaultValue()) {
        missing.add(f.name());
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(file + ": the header lacks required field(s) " + missing
          + " of input.avsc; header is " + header);
    }
    extraColumns = new int[extras.size()];
    for (int i = 0; i < extras.size(); i++) {
      Integer col = index.get(extras.get(i));
      if (col == null) {
        throw new IllegalArgumentException(file + ": --keep names column '" + extras.get(i) + "', which is neither in the header "
            + header + " nor in input.avsc");
      }
      extraColumns[i] = col;
    }
  }

  /**
   * Each schema field's cell text in a row (null for an empty unquoted cell), for fields the header
   * names: what {@code lockstep produce} sends as JSON for a row that does not decode, so the
   * streaming job finds the same field-level reason (docs/spec.md, CLI).
   */
  public Map<String, String> fieldTexts(List<String> cells) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (cells.size() != headerSize) {
      return out;
    }
    for (Schema.Field f : schema.getFields()) {
      if (columnOfField[f.pos()] >= 0) {
        out.put(f.name(), cells.get(columnOfField[f.pos()]));
      }
    }
    return out;
  }

  /** Decodes one row; {@code cells} holds null for an empty unquoted cell. */
  public Decoded decode(List<String> cells) {
    if (cells.size() != headerSize) {
      return Decoded.failed(Reason.undecodableRecord());
    }
    GenericData.Record r = new GenericData.Record(schema);
    Reason failure = null;
    for (Schema.Field f : schema.getFields()) {
      int i = f.pos();
      String text = columnOfField[i] < 0 ? null : cells.get(columnOfField[i]);
      if (text == null) {
        if (columnOfField[i] < 0 && f.hasDefaultValue()) {
          r.put(i, GenericData.get().getDefaultValue(f));
          continue;
        }
        if (!nullable[i] && failure == null) {
          failure = Reason.schema(f.name());
        }
        continue;
      }
      try {
        r.put(i, TextValues.parse(text, types[i], f.name()));
      } catch (TextValues.BadValue e) {
        // Keep reading: the first failure is the reason, the rest may still yield the key.
        failure = failure == null ? e.reason : failure;
      }
    }
    if (failure != null) {
      return Decoded.failed(failure, r);
    }
    String[] extras = new String[extraColumns.length];
    for (int i = 0; i < extras.length; i++) {
      extras[i] = cells.get(extraColumns[i]);
    }
    return Decoded.ok(r, extras);
  }
}
