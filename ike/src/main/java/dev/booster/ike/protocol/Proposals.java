package dev.booster.ike.protocol;

import dev.booster.ike.DhGroup;
import dev.booster.ike.Encryption;
import dev.booster.ike.EspProposal;
import dev.booster.ike.IkeProposal;
import dev.booster.ike.Integrity;
import dev.booster.ike.PseudoRandomFunction;
import dev.booster.ike.message.Octets;
import dev.booster.ike.message.Proposal;
import dev.booster.ike.message.Transform;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Between Booster's typed proposals and SA payload proposals: offers, the responder's choice (our order of
 * preference wins, as strongSwan's default), and the initiator's check that the answer is one of its offers.
 */
final class Proposals {
    private static final int ESN_NO = 0;
    private static final int ESN_YES = 1;

    private Proposals() {
    }

    /** The selected suite and the offered proposal it came from (whose number the answer must carry). */
    record Selected<T>(T choice, Proposal offered) {
    }

    /** An ESP suite as chosen: one ESN value, the PFS group if this exchange does key exchange. */
    record EspChoice(int keyBits, boolean esn, Optional<DhGroup> dhGroup) {
        Proposal toProposal(int number, Octets spi) {
            List<Transform> transforms = new ArrayList<>();
            transforms.add(new Transform(Transform.ENCR, Encryption.AES_GCM_16.transformId(), keyBits));
            dhGroup.ifPresent(group -> transforms.add(new Transform(Transform.DH, group.transformId())));
            transforms.add(new Transform(Transform.ESN, esn ? ESN_YES : ESN_NO));
            return new Proposal(number, Proposal.PROTOCOL_ESP, spi, transforms);
        }
    }

    static Proposal ike(IkeProposal suite, int number, Octets spi) {
        List<Transform> transforms = new ArrayList<>();
        transforms.add(new Transform(Transform.ENCR, suite.encryption().transformId(), suite.keyBits()));
        transforms.add(new Transform(Transform.PRF, suite.prf().transformId()));
        if (suite.integrity() != Integrity.NONE) transforms.add(new Transform(Transform.INTEG, suite.integrity().transformId()));
        transforms.add(new Transform(Transform.DH, suite.dhGroup().transformId()));
        return new Proposal(number, Proposal.PROTOCOL_IKE, spi, transforms);
    }

    /** Our IKE offer, one proposal per suite, numbered from 1. */
    static List<Proposal> ikeOffer(List<IkeProposal> ours, Octets spi) {
        List<Proposal> offer = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) offer.add(ike(ours.get(i), i + 1, spi));
        return offer;
    }

    /** Our ESP offer; {@code withDh}: include PFS groups (CREATE_CHILD_SA), not in IKE_AUTH. */
    static List<Proposal> espOffer(List<EspProposal> ours, Octets spi, boolean withDh) {
        List<Proposal> offer = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            EspProposal suite = ours.get(i);
            List<Transform> transforms = new ArrayList<>();
            transforms.add(new Transform(Transform.ENCR, Encryption.AES_GCM_16.transformId(), suite.keyBits()));
            if (withDh) suite.pfsGroup().ifPresent(group -> transforms.add(new Transform(Transform.DH, group.transformId())));
            for (int esn : esnPreference(suite.esn())) transforms.add(new Transform(Transform.ESN, esn));
            offer.add(new Proposal(i + 1, Proposal.PROTOCOL_ESP, spi, transforms));
        }
        return offer;
    }

    /** The responder's choice among {@code offered}: the first of {@code ours} that some offered proposal allows. */
    static Optional<Selected<IkeProposal>> selectIke(List<Proposal> offered, List<IkeProposal> ours) {
        for (IkeProposal suite : ours) {
            for (Proposal proposal : offered) {
                if (proposal.protocolId() == Proposal.PROTOCOL_IKE && allowsIke(proposal, suite)) return Optional.of(new Selected<>(suite, proposal));
            }
        }
        return Optional.empty();
    }

    private static boolean allowsIke(Proposal proposal, IkeProposal suite) {
        boolean integrityOk = suite.integrity() == Integrity.NONE
                ? proposal.ofType(Transform.INTEG).stream().allMatch(t -> t.id() == 0)
                : offers(proposal, Transform.INTEG, suite.integrity().transformId(), 0);
        return offers(proposal, Transform.ENCR, suite.encryption().transformId(), suite.keyBits())
                && offers(proposal, Transform.PRF, suite.prf().transformId(), 0)
                && integrityOk
                && offers(proposal, Transform.DH, suite.dhGroup().transformId(), 0);
    }

    private static boolean offers(Proposal proposal, int type, int id, int keyLength) {
        return proposal.transforms().stream().anyMatch(t -> t.type() == type && t.id() == id && t.keyLength() == keyLength && t.understood());
    }

    /** The suite a responder's single-proposal answer names, if it is one of ours. */
    static Optional<IkeProposal> acceptedIke(List<Proposal> answer, List<IkeProposal> ours) {
        if (answer.size() != 1) return Optional.empty();
        Proposal chosen = answer.getFirst();
        for (IkeProposal suite : ours) {
            if (chosen.protocolId() == Proposal.PROTOCOL_IKE && allowsIke(chosen, suite)
                    && chosen.transforms().size() == (suite.integrity() == Integrity.NONE ? 3 : 4)) {
                return Optional.of(suite);
            }
        }
        return Optional.empty();
    }

    /**
     * The responder's ESP choice. {@code withDh}: this exchange carries KE payloads (a CREATE_CHILD_SA), so a PFS group
     * of ours must be offered, and none may be asked for when we have none; in IKE_AUTH DH transforms are ignored.
     */
    static Optional<Selected<EspChoice>> selectEsp(List<Proposal> offered, List<EspProposal> ours, boolean withDh) {
        for (EspProposal suite : ours) {
            for (Proposal proposal : offered) {
                if (proposal.protocolId() != Proposal.PROTOCOL_ESP || proposal.spi().length() != 4) continue;
                if (!offers(proposal, Transform.ENCR, Encryption.AES_GCM_16.transformId(), suite.keyBits())) continue;
                if (!proposal.ofType(Transform.INTEG).stream().allMatch(t -> t.id() == 0)) continue;
                Optional<Integer> esn = chooseEsn(proposal, suite.esn());
                if (esn.isEmpty()) continue;
                Optional<DhGroup> dh = Optional.empty();
                if (withDh) {
                    if (suite.pfsGroup().isPresent()) {
                        if (!offers(proposal, Transform.DH, suite.pfsGroup().get().transformId(), 0)) continue;
                        dh = suite.pfsGroup();
                    } else if (!proposal.ofType(Transform.DH).stream().allMatch(t -> t.id() == 0)) {
                        continue;
                    }
                }
                return Optional.of(new Selected<>(new EspChoice(suite.keyBits(), esn.get() == ESN_YES, dh), proposal));
            }
        }
        return Optional.empty();
    }

    /** The ESP suite a responder's answer names, if it is within one of our offers. */
    static Optional<EspChoice> acceptedEsp(List<Proposal> answer, List<EspProposal> ours, boolean withDh) {
        if (answer.size() != 1) return Optional.empty();
        Proposal chosen = answer.getFirst();
        if (chosen.protocolId() != Proposal.PROTOCOL_ESP || chosen.spi().length() != 4) return Optional.empty();
        List<Transform> encryption = chosen.ofType(Transform.ENCR);
        List<Transform> esn = chosen.ofType(Transform.ESN);
        List<Transform> dh = chosen.ofType(Transform.DH).stream().filter(t -> t.id() != 0).toList();
        if (encryption.size() != 1 || esn.size() > 1 || dh.size() > 1) return Optional.empty();
        if (encryption.getFirst().id() != Encryption.AES_GCM_16.transformId()) return Optional.empty();
        int keyBits = encryption.getFirst().keyLength();
        boolean useEsn = !esn.isEmpty() && esn.getFirst().id() == ESN_YES;
        Optional<DhGroup> group = dh.isEmpty() ? Optional.empty() : DhGroup.byTransformId(dh.getFirst().id());
        if (!dh.isEmpty() && group.isEmpty()) return Optional.empty();
        for (EspProposal suite : ours) {
            boolean esnOk = esnPreference(suite.esn()).contains(useEsn ? ESN_YES : ESN_NO);
            boolean dhOk = !withDh ? group.isEmpty() : group.equals(suite.pfsGroup());
            if (suite.keyBits() == keyBits && esnOk && dhOk) return Optional.of(new EspChoice(keyBits, useEsn, group));
        }
        return Optional.empty();
    }

    private static Optional<Integer> chooseEsn(Proposal proposal, EspProposal.Esn ours) {
        List<Integer> offered = proposal.ofType(Transform.ESN).stream().map(Transform::id).toList();
        if (offered.isEmpty()) offered = List.of(ESN_NO);
        for (int candidate : esnPreference(ours)) {
            if (offered.contains(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    private static List<Integer> esnPreference(EspProposal.Esn esn) {
        return switch (esn) {
            case ON -> List.of(ESN_YES);
            case OFF -> List.of(ESN_NO);
            case EITHER -> List.of(ESN_YES, ESN_NO);
        };
    }

    /** For messages: the suites as text, e.g. {@code [aes256gcm16-prfsha256-curve25519, ...]}. */
    static String describeOffer(List<Proposal> offered) {
        List<String> parts = new ArrayList<>();
        for (Proposal proposal : offered) {
            List<String> transforms = new ArrayList<>();
            for (Transform t : proposal.transforms()) {
                transforms.add(switch (t.type()) {
                    case Transform.ENCR -> (t.id() == 20 ? "AES_GCM_16" : t.id() == 12 ? "AES_CBC" : "ENCR_" + t.id()) + (t.keyLength() != 0 ? "_" + t.keyLength() : "");
                    case Transform.PRF -> prfName(t.id());
                    case Transform.INTEG -> integrityName(t.id());
                    case Transform.DH -> groupName(t.id());
                    case Transform.ESN -> t.id() == 1 ? "ESN" : "NO_ESN";
                    default -> "T" + t.type() + "_" + t.id();
                });
            }
            parts.add((proposal.protocolId() == Proposal.PROTOCOL_IKE ? "IKE:" : proposal.protocolId() == Proposal.PROTOCOL_ESP ? "ESP:" : "P" + proposal.protocolId() + ":")
                    + String.join("/", transforms));
        }
        return parts.toString();
    }

    private static String integrityName(int id) {
        for (Integrity integrity : Integrity.values()) {
            if (integrity.transformId() == id) return integrity.name();
        }
        return switch (id) {
            case 2 -> "HMAC_SHA1_96";
            case 5 -> "AES_XCBC_96";
            default -> "INTEG_" + id;
        };
    }

    /** Names for groups Booster does not do, too, so a refusal says what the peer wanted. */
    private static String groupName(int id) {
        return switch (id) {
            case 0 -> "NONE";
            case 2 -> "MODP_1024";
            case 5 -> "MODP_1536";
            case 14 -> "MODP_2048";
            case 15 -> "MODP_3072";
            case 16 -> "MODP_4096";
            case 19 -> "ECP_256";
            case 20 -> "ECP_384";
            case 21 -> "ECP_521";
            case 31 -> "CURVE25519";
            case 32 -> "CURVE448";
            default -> "DH_" + id;
        };
    }

    private static String prfName(int id) {
        for (PseudoRandomFunction prf : PseudoRandomFunction.values()) {
            if (prf.transformId() == id) return "PRF_" + prf.name();
        }
        return "PRF_" + id;
    }
}
