package org.lmm4j.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The distinct texts of a column in order of first appearance, each with its code (its index in that order). */
public final class TextDictionary {

    private final Map<String, Integer> index = new HashMap<>();
    private final List<String> texts = new ArrayList<>();

    /** The code of {@code text}, a new one (the next index) when it is seen for the first time. */
    public int code(String text) {
        Integer code = index.get(text);
        if (code == null) {
            code = texts.size();
            index.put(text, code);
            texts.add(text);
        }
        return code;
    }

    /** The texts so far, in order of first appearance (a view). */
    public List<String> texts() {
        return java.util.Collections.unmodifiableList(texts);
    }

    /** True when no text was seen. */
    public boolean isEmpty() {
        return texts.isEmpty();
    }
}
