package com.whatpro.hub.platform.web;

/** Field paths as the client wrote them: snake_case, like the JSON. */
final class FieldNames {

    private FieldNames() {
    }

    static String snake(String javaPath) {
        var out = new StringBuilder(javaPath.length() + 4);
        for (int i = 0; i < javaPath.length(); i++) {
            char c = javaPath.charAt(i);
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static String lastSegment(String propertyPath) {
        var dot = propertyPath.lastIndexOf('.');
        return snake(dot < 0 ? propertyPath : propertyPath.substring(dot + 1));
    }
}
