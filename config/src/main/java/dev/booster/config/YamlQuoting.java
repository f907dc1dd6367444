package dev.booster.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;

import java.io.IOException;
import java.io.Serial;

/**
 * Quotes a string exactly when leaving it plain would read back as something else. Jackson's minimal quoting knows
 * {@code yes}, {@code null} and the like, but writes {@code 1_000}, {@code 0x1F} or {@code 1e3} plain, which YAML 1.1
 * readers (Jackson's among them) take as numbers: a label value {@code "1e3"} would come back as {@code "1000.0"}.
 */
final class YamlQuoting extends StringQuotingChecker.Default {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final YAMLFactory PLAIN_READER = YAMLFactory.builder()
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .build();

    @Override
    public boolean needToQuoteValue(String value) {
        return super.needToQuoteValue(value) || (mayBeNumber(value) && !readsBackAsString(value));
    }

    private static boolean mayBeNumber(String value) {
        return !value.isEmpty() && "+-.0123456789".indexOf(value.charAt(0)) >= 0;
    }

    private static boolean readsBackAsString(String value) {
        try (JsonParser parser = PLAIN_READER.createParser(value)) {
            return parser.nextToken() == JsonToken.VALUE_STRING && parser.getText().equals(value) && parser.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
