package com.whatpro.hub.platform.crypto;

import java.util.UUID;

import com.whatpro.hub.platform.AccountId;

/**
 * A column of values sealed by {@link CredentialCipher} in a table whose rows are keyed by {@code id} (uuid) and belong
 * to {@code account_id}; a module that stores one declares it as a bean, and {@link SealedColumns} moves its values
 * under the active key after a rotation. Null values are left alone.
 */
public interface SealedColumn {

    String table();

    String column();

    /** The associated data the value of this row was sealed with. */
    String associatedData(AccountId account, UUID id);
}
