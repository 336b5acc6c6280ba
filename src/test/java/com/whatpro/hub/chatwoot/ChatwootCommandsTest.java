package com.whatpro.hub.chatwoot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChatwootCommandsTest {

    @ParameterizedTest
    @ValueSource(strings = {"5511987654321", "+55 11 98765-4321", "+0511987654321", "+12", "", "+5511987654321@s.whatsapp.net"})
    void refusesAContactPhoneNumberThatIsNotE164(String phoneNumber) {
        assertThatThrownBy(() -> new NewContact(1, "Alex", phoneNumber, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAMessageWithNeitherContentNorAttachment() {
        assertThatThrownBy(() -> NewMessage.incoming(null, "wamid.1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NewMessage.outgoing("", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesMessageTypesChatwootDoesNotCreate() {
        assertThatThrownBy(() -> new NewMessage("hi", ChatwootMessageType.ACTIVITY, false, null, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NewMessage("hi", ChatwootMessageType.TEMPLATE, false, null, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keepsAnAttachmentsBytesToItself() {
        var bytes = new byte[] {1, 2, 3};
        var attachment = new NewAttachment("a.bin", "application/octet-stream", bytes);
        bytes[0] = 9;
        attachment.content()[1] = 9;

        assertThat(attachment.content()).containsExactly(1, 2, 3);
        assertThat(attachment).isEqualTo(new NewAttachment("a.bin", "application/octet-stream", new byte[] {1, 2, 3}));
        assertThat(attachment).hasToString("NewAttachment[fileName=a.bin, contentType=application/octet-stream, 3 bytes]");
    }

    @Test
    void findsTheSourceIdOfAContactInAnInbox() {
        var contact = new ChatwootContact(1, "Alex", "+5511987654321", null, null, List.of(
                new ChatwootContact.ContactInbox(4, "source-in-4"), new ChatwootContact.ContactInbox(5, "source-in-5")));

        assertThat(contact.sourceIdIn(5)).contains("source-in-5");
        assertThat(contact.sourceIdIn(6)).isEmpty();
    }
}
