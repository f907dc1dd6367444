package dev.booster.ipsec;

import java.util.HexFormat;
import java.util.List;

/**
 * The AES-GCM ESP test cases of draft-mcgrew-gcm-test-01 ("Test Cases for the use of Galois/Counter Mode (GCM) and
 * Galois Message Authentication Code (GMAC) in IPsec ESP", D. McGrew, March 2009), section 4, named by the draft's
 * page. Each is a full ESP packet's worth: key, salt, SPI, sequence number (64 bits where the AAD is 12 bytes, i.e.
 * with extended sequence numbers, RFC 4106 §5), explicit IV, plaintext (inner packet and ESP trailer), ciphertext
 * and ICV.
 *
 * <p>Transcribed from two independent copies of the draft's numbers that agree byte for byte: OpenBSD's
 * regress/sys/crypto/gmac/gmac_test.c ("Test vectors from draft-mcgrew-gcm-test-01.txt", key+salt, IV, AAD,
 * ciphertext, tag per page) and a Go GCM package's gcm_test.go ("from draft-mcgrew-gcm-test-01", with the
 * plaintexts). Left out: page 11's second case (AES-192, not an ESP algorithm here) and pages 18 to 20 (GMAC,
 * RFC 4543, a different transform).
 *
 * <p>Every plaintext ends in next header 1, not 4 as tunnel mode would carry for an inner IPv4 packet: the draft
 * tests the cipher and the AAD, not the tunnel.
 */
final class DraftMcGrewVectors {
    record Vector(String page, EspAlgorithm algorithm, byte[] key, int salt, int spi, long sequence, boolean esn,
                  long iv, byte[] plaintext, byte[] ciphertext, byte[] icv) {
        @Override
        public String toString() {
            return "draft-mcgrew-gcm-test-01 page " + page + " (" + algorithm + (esn ? ", ESN" : "") + ")";
        }
    }

    private static final HexFormat HEX = HexFormat.of();

    static final List<Vector> ALL = List.of(
            v("6", "4c80cdefbb5d10da906ac73c3613a634", "2e443b68", "00004321", "8765432100000000", true,
                    "4956ed7e3b244cfe",
                    "45000048699a000080114db7c0a80102c0a801010a9bf15638d3010000010000"
                            + "00000000045f736970045f756470037369700963796265726369747902646b00"
                            + "0021000101020201",
                    "fecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34"
                            + "cfa2436f14a3f3cf65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b93bce"
                            + "61bc17d768fd9732",
                    "459018148f6cbe722fd04796562dfdb4"),
            v("7", "feffe9928665731c6d6a8f9467308308", "cafebabe", "0000a5f8", "000000000000000a", false,
                    "facedbaddecaf888",
                    "4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d00100"
                            + "0001000000000000037369700963796265726369747902646b00000100010001",
                    "deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d114d2a5c"
                            + "3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd1",
                    "83b70d3aa8bc6ee4c309e9d85a41ad4a"),
            v("8", "abbccddef00112233445566778899aababbccddef00112233445566778899aab", "11223344", "4a2cbfe3",
                    "0000000000000002", false, "0102030405060708",
                    "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee000000000"
                            + "7002400020bf0000020405b40101040201020201",
                    "ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763"
                            + "748a637985771d347f0545659f14e99def842d8e",
                    "b335f4eecfdbf831824b4c4915956c96"),
            v("9", "00000000000000000000000000000000", "00000000", "00000000", "0000000000000001", false,
                    "0000000000000000",
                    "4500003c99c500008001cb7a40679318010101010800075c0200440061626364"
                            + "65666768696a6b6c6d6e6f707172737475767761626364656667686901020201",
                    "4688daf2f973a392732909c331d56d60f694abaa414b5e7ff5fdcdfff5e9a284"
                            + "456476492719ffb64de7d9dca1e1d894bc3bd57873ed4d181d19d4d5c8c18af3",
                    "f821d496eeb096e98ad2b69e4799c71d"),
            v("10", "3de09874b388e6491988d0c3607eae1f", "57690e43", "42f67e3f", "1010101010101010", true,
                    "4e280000a2fca1a3",
                    "4500003c99c300008001cb7c40679318010101010800085c0200430061626364"
                            + "65666768696a6b6c6d6e6f707172737475767761626364656667686901020201",
                    "fba2caa4853cf9f0f22cb10d86dd83b0fec75691cf1a04b00d1138ec9c357917"
                            + "65acbd8701ad79845bf9fe3fba487bc91755e6662b4c8d0d1f5e22739530320a",
                    "e0d731cc978ecafaeae88f00e80d6e48"),
            v("11", "3de09874b388e6491988d0c3607eae1f", "57690e43", "42f67e3f", "1010101010101010", true,
                    "4e280000a2fca1a3",
                    "4500001c42a200008001441f406793b6e00000020a00f5ff01020201",
                    "fba2ca845e5df9f0f22c3e6e86dd831e1fc65792cd1af9130e1379ed",
                    "369f071f35e034be95f112e4e7d05d35"),
            v("12", "abbccddef00112233445566778899aab", "decaf888", "00000100", "0000000000000001", true,
                    "cafedebaceface74",
                    "4500004933ba00007f119106c3fb1d10c2b1d326c02831ce0035dd7b800302d5"
                            + "00004e20001e8c18d75b81dc91baa0476b91b924b280389d92c963bac046ec95"
                            + "9b6266c04722b14923010101",
                    "18a6fd42f72cbf4ab2a2ea901f73d814e3e7f243d95412e1c349c1d2fbec168f"
                            + "9190feebaf2cb01984e65863965d7472b79da345e0e780191f0d2f0e0f496c22"
                            + "6f2127b27db35724e7845d68",
                    "651f57e65f354f75ff17015769623436"),
            v("13", "abbccddef00112233445566778899aababbccddef00112233445566778899aab", "73616c74", "17405e67",
                    "156f3126dd0db99b", true, "616e640169766563",
                    "45080028732c00004006e9f90a0106120a01038f06b88023dd6bafbecb712602"
                            + "50101f646d540001",
                    "f2d69ecdbd5a0d5b8d5ef38bad4da58d1f278fde98ef67549d524a3018d9a57f"
                            + "f4d3a31ce673119e",
                    "451626c2415771e3b7eebca614c89b35"),
            v("14", "3de09874b388e6491988d0c3607eae1f", "57690e43", "42f67e3f", "1010101010101010", true,
                    "4e280000a2fca1a3",
                    "45000049333e00007f119182c3fb1d10c2b1d326c02831ce0035cb458003025b"
                            + "000001e0001e8c18d65759d52284a0352c71475c8880391c764d6e5ee0496b32"
                            + "5ae270c03899493915010101",
                    "fba2cad12fc1f9f00d3cebf305410db83d7784b607323d220f24b0a97d541828"
                            + "00cadb0f68d99ef0e0c0c89ae9bea8884e52d65bc1afd0740f742444747b5b39"
                            + "ab533163aad4550ee5160975",
                    "cdb608c5769189609763b8e18caa81e2"),
            v("15", "abbccddef00112233445566778899aababbccddef00112233445566778899aab", "73616c74", "17405e67",
                    "156f3126dd0db99b", true, "616e640169766563",
                    "636973636f0172756c657301746865016e6574776501646566696e6501746865"
                            + "746563686e6f6c6f67696573017468617477696c6c01646566696e65746f6d6f"
                            + "72726f7701020201",
                    "d4b7ed86a1777f2ea13d6973d324c69e7b43f826fb56831226508bebd2dceb18"
                            + "d0a6df10e5487df074113e14c641024e3e6773d91a62ee429b043a10e3efe6b0"
                            + "12a49363412364f8",
                    "c0cac587f249e56b11e24f30e44ccc76"),
            v("16 (first)", "7d773d00c144c525ac619d18c84a3f47", "d9664267", "335467ae", "00000000ffffffff", false,
                    "43457e9182443bc6", "01020201", "437f866b", "cb3f699fe9b0822bac961c4504bef270"),
            v("16 (second)", "abbccddef00112233445566778899aab", "decaf888", "00000100", "0000000000000001", true,
                    "cafedebaceface74", "746f016265016f72016e6f7401746f0162650001",
                    "29c9fc69a197d038ccdd14e2ddfcaa0543332164", "412503524303ed3c6c5f283843af8c3e"),
            v("17", "6c6567616c697a656d6172696a75616e61616e64646f69746265666f72656961", "7475726e", "796b6963",
                    "ffffffffffffffff", true, "333021696765746d",
                    "45000030da3a00008001df3bc0a80005c0a800010800c6cd0200070061626364"
                            + "65666768696a6b6c6d6e6f707172737401020201",
                    "f97ab2aa356d8edce17644ac8c78e25dd24dedbb29ebf1b64a274b39b49c3a86"
                            + "4cd3d78ca4ae68a32b42458fb57dbe821dcc63b9",
                    "d0937ba2945f669368661a329fb4c053"));

    private DraftMcGrewVectors() {
    }

    private static Vector v(String page, String key, String salt, String spi, String sequence, boolean esn, String iv,
                            String plaintext, String ciphertext, String icv) {
        byte[] keyBytes = HEX.parseHex(key);
        EspAlgorithm algorithm = keyBytes.length == 16 ? EspAlgorithm.AES_GCM_16_128 : EspAlgorithm.AES_GCM_16_256;
        return new Vector(page, algorithm, keyBytes, (int) Long.parseLong(salt, 16), (int) Long.parseLong(spi, 16),
                Long.parseUnsignedLong(sequence, 16), esn, Long.parseUnsignedLong(iv, 16), HEX.parseHex(plaintext),
                HEX.parseHex(ciphertext), HEX.parseHex(icv));
    }
}
