package io.lockstep.batch.spark;

import io.lockstep.deadletter.Reason;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of decoded input rows, whatever the format they came from: the fields of
 * {@code input.avsc} at their schema positions (so {@link InternalFields}
 * reads them by schema position), then the {@code --keep} extras that are
 * not schema fields (as text), then where the record came from and what became of it:
 * <ul>
 *   <li>{@code _ls_file}, {@code _ls_pos}: the file's index in {@link #files()} (input order of
 *       files) and the 1-based line (text) or record number (binary); together the input order
 *       that breaks ties of equal event times (docs/spec.md, Window features). An index, not the path: every row
 *       is shuffled and sorted with it, and a path is a hundred bytes;</li>
 *   <li>{@code _ls_reason}: the decode failure ({@code decode:}, {@code schema:}), null if it decoded;</li>
 *   <li>{@code _ls_text} / {@code _ls_bytes}: the original line or record bytes for dead letters.</li>
 * </ul>
 */
public final class InputLayout implements Serializable {
  public static final String FILE = "_ls_file";
  public static final String POS = "_ls_pos";
  public static final String REASON = "_ls_reason";
  public static final String TEXT = "_ls_text";
  public static final String BYTES = "_ls_bytes";

  private final String schemaJson;
  private final List<String> extras;
  private final int fieldCount;
  private final boolean[] required;
  private final String[] names;
  private final List<String> files;
  private transient Schema schema;

  /** @param files the input's file names (sources of dead letters), in input order */
  public InputLayout(Schema input, List<String> extras, List<String> files) {
    this.files = List.copyOf(files);
    this.schemaJson = input.toString();
    this.extras = List.copyOf(extras);
    this.fieldCount = input.getFields().size();
    this.required = new boolean[fieldCount];
    this.names = new String[fieldCount];
    for (Schema.Field f : input.getFields()) {
      required[f.pos()] = !SparkTypes.nullable(f.schema());
      names[f.pos()] = f.name();
    }
  }

  public Schema schema() {
    if (schema == null) {
      schema = new Schema.Parser().parse(schemaJson);
    }
    return schema;
  }

  public List<String> files() {
    return files;
  }

  public List<String> extras() {
    return extras;
  }

  public int fieldCount() {
    return fieldCount;
  }

  public int extraIndex(int extra) {
    return fieldCount + extra;
  }

  public int fileIndex() {
    return fieldCount + extras.size();
  }

  public int posIndex() {
    return fileIndex() + 1;
  }

  public int reasonIndex() {
    return fileIndex() + 2;
  }

  public int textIndex() {
    return fileIndex() + 3;
  }

  public int bytesIndex() {
    return fileIndex() + 4;
  }

  public StructType sparkSchema() {
    List<StructField> fields = new ArrayList<>(List.of(SparkTypes.struct(schema()).fields()));
    for (String e : extras) {
      fields.add(DataTypes.createStructField(e, DataTypes.StringType, true));
    }
    fields.add(DataTypes.createStructField(FILE, DataTypes.IntegerType, true));
    fields.add(DataTypes.createStructField(POS, DataTypes.LongType, true));
    fields.add(DataTypes.createStructField(REASON, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(TEXT, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(BYTES, DataTypes.BinaryType, true));
    return DataTypes.createStructType(fields);
  }

  /**
   * The decode failure of a row: its {@code _ls_reason}, or {@code schema:<field>} for a null in a
   * field {@code input.avsc} requires (rows from Spark's own readers are not checked otherwise).
   * The column carries the reason's wire text, read back here into the typed value.
   */
  public Reason decodeFailure(InternalRow row) {
    return decodeFailure(row, Integer.MAX_VALUE);
  }

  /**
   * As {@link #decodeFailure(InternalRow)} for a row that carries only the layout's first
   * {@code width} columns (the window order drops trailing columns that are null for the whole
   * input): the reason column, if past them, is null.
   */
  public Reason decodeFailure(InternalRow row, int width) {
    if (reasonIndex() < width && !row.isNullAt(reasonIndex())) {
      return Reason.parse(row.getUTF8String(reasonIndex()).toString());
    }
    for (int i = 0; i < fieldCount; i++) {
      if (required[i] && row.isNullAt(i)) {
        return Reason.schema(names[i]);
      }
    }
    return null;
  }

  /** {@code file:position} with the file's name only, as the single-node runner writes it. */
  public String source(InternalRow row) {
    String name = row.isNullAt(fileIndex()) ? "?" : files.get(row.getInt(fileIndex()));
    return name + ":" + (row.isNullAt(posIndex()) ? "?" : row.getLong(posIndex()));
  }
}
