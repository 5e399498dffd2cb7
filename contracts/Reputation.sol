// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {Deal, IRatingSource, IReputation, Role} from "./interfaces/IReputation.sol";

/// @title Reputation — non-transferable, fading scores per (account, role), priced by the value really settled
/// @notice Registered modules (Crowdfund, Bounty) report what was settled (a deal between two accounts, or value
/// released to one) and the ledger prices it: concave in the value of registered assets, nothing below an
/// asset's minimum, less for every repeat of the same pair, more for counterparties with a verified identity.
/// Counterparties rate each other once per relationship, weighted the same way. Registered attesters vouch for
/// identities. Scores fade with a half-life; a change of the half-life applies from its block on. Nothing here
/// can be transferred.
/// @dev A score is a replay of its ScoreChanged events: each write fades the stored value from its last update to
/// now, period by period with the half-life in force in each, then adds the points; the event carries both the
/// points and the new score. DealRecorded, ValueRecorded and Rated carry every input of a price, so an auditor can
/// recompute the points. backend/crowdledger/reputation.py does both with the same integer arithmetic.
/// Gas: the dispatcher compares selectors in ascending order, 22 gas each, so the functions and constants added
/// for pricing are named so that their selectors sort after rate's (0x7404376d), the call every rating pays for.
contract Reputation is IReputation, Ownable2Step, EIP712 {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev One slot: the value as of `updatedAt`, before fading since then.
    struct Score {
        int192 value;
        uint64 updatedAt;
    }

    /// @dev One slot (160 + 8 + 64 bits). attester is address(0) when there is none.
    struct Attestation {
        address attester;
        uint8 level;
        uint64 expiresAt; // valid while block.timestamp < expiresAt
    }

    /// @notice A registered asset: `unit` is the amount worth a value factor of 1 (WAD), `minimum` the least
    /// amount that earns anything. unit 0: not registered. One slot.
    struct Asset {
        uint128 unit;
        uint128 minimum;
    }

    /// @notice From `since` (a block time) until the next period's `since`, scores fade with `halfLife` seconds
    /// (0: not at all). One slot.
    struct HalfLifePeriod {
        uint64 since;
        uint32 halfLife;
    }

    /// @dev One slot that every write and every rating reads: the half-life period in force (a copy of the last
    /// entry of the history, so the common case needs no other read), the history's length, and the identity
    /// weighting (128 bits used).
    struct Settings {
        uint32 halfLife;
        uint64 halfLifeSince;
        uint8 periodCount;
        uint8 identityLevel;
        uint16 unverifiedWeightBps;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @param points what was added, after fading the stored value to now
    /// @param newScore the stored value after this change
    /// @param module the module that recorded it (for a rating: the rating's source)
    /// @param ref the campaign or task id in that module
    event ScoreChanged(
        address indexed subject,
        Role indexed role,
        int256 points,
        int256 newScore,
        bytes32 reason,
        address indexed module,
        uint256 ref
    );
    /// @notice A deal was priced; comes before the ScoreChanged of each side whose points are not 0 (payee first).
    /// @param payeePoints and payerPoints the module's base points, per full unit of value
    /// @param earlierDeals the pair's deals before this one (the divisor is earlierDeals + 1)
    /// @param valueFactor V(token, amount), WAD
    /// @param payerWeightBps the payer's identity weight, which scales the payee's points; payeeWeightBps the
    /// other way round
    event DealRecorded(
        address indexed payee,
        address indexed payer,
        address indexed module,
        uint256 ref,
        address token,
        uint256 amount,
        int256 payeePoints,
        int256 payerPoints,
        uint256 earlierDeals,
        uint256 valueFactor,
        uint256 payerWeightBps,
        uint256 payeeWeightBps
    );
    /// @notice Value settled to `subject` was priced; comes before its ScoreChanged, if the points are not 0.
    event ValueRecorded(
        address indexed subject,
        Role indexed role,
        address indexed module,
        uint256 ref,
        address token,
        uint256 valueBefore,
        uint256 valueAfter,
        int256 basePoints,
        uint256 valueFactorBefore,
        uint256 valueFactorAfter
    );
    /// @notice A rating and the inputs of its price; comes before its ScoreChanged.
    /// @param valueFactor V(token, value) of the relationship, capped at 1 (WAD)
    /// @param weightBps the rater's identity weight
    /// @param pairDeals the deals between rater and subject so far (the divisor is max(1, pairDeals))
    event Rated(
        address indexed rater,
        address indexed subject,
        address indexed source,
        uint256 ref,
        uint8 stars,
        uint256 valueFactor,
        uint256 weightBps,
        uint256 pairDeals
    );
    /// @notice From this block on scores fade with newHalfLife; the time before keeps the half-life it had.
    event HalfLifeChanged(uint256 oldHalfLife, uint256 newHalfLife);
    event AssetSet(address indexed token, uint256 unit, uint256 minimum);
    event IdentityWeightsSet(uint8 identityLevel, uint256 unverifiedWeightBps);
    event ModuleSet(address indexed module, bool registered);
    event AttesterSet(address indexed attester, bool registered);
    event Attested(address indexed account, address indexed attester, uint8 level, uint64 expiresAt);
    /// @param nextNonce the (attester, account) nonce a signature must now carry: earlier ones are void
    event AttestationRevoked(address indexed account, address indexed attester, uint256 nextNonce);
    event SignaturesVoided(address indexed attester, address indexed account, uint256 nextNonce);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error ZeroAddress();
    // scores
    error NotAModule(address caller);
    error PointsOutOfRange(int256 points, int256 maxMagnitude);
    error ScoreOutOfRange(int256 newScore);
    error SelfDeal(address account);
    // ratings
    error StarsOutOfRange(uint8 stars, uint8 min, uint8 max);
    error SelfRating();
    // attestations
    error NotAnAttester(address attester);
    error LevelIsZero();
    error ExpiryNotInFuture(uint256 expiresAt, uint256 now_);
    error SignatureExpired(uint256 deadline, uint256 now_);
    error InvalidSignature(address attester);
    error NoAttestation(address account);
    error NotTheAttester(address caller, address attester);
    // settings
    error HalfLifeHistoryFull(uint256 maxPeriods);
    error WeightAboveFull(uint256 weightBps, uint256 max);

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    uint256 public constant BPS = 10_000;
    uint256 internal constant WAD = 1e18;
    uint32 public constant DEFAULT_HALF_LIFE = 90 days;
    /// @notice The half-life history holds at most this many periods: the constructor's and 15 changes. A read
    /// walks the periods since the score's last write, so the bound bounds every read.
    uint256 public constant HALF_LIFE_PERIOD_LIMIT = 16;
    uint8 public constant DEFAULT_IDENTITY_LEVEL = 1;
    uint16 public constant DEFAULT_UNVERIFIED_WEIGHT_BPS = 5_000;
    /// @notice What each star above or below a neutral 3 moves a score by, at full weight: 5 stars add twice
    /// this, 1 star takes twice this away.
    uint256 public constant RATING_POINTS = 10e18;
    uint8 public constant MIN_STARS = 1;
    uint8 public constant MAX_STARS = 5;
    uint8 internal constant NEUTRAL_STARS = 3;
    /// @notice The largest |base points| a module may report: keeps base × V inside int256.
    int256 public constant MAX_BASE_POINTS = type(int128).max;
    /// @notice Past this many half-lives a score has faded to zero (a right shift by 192 clears an int192).
    uint256 internal constant FULL_FADE_HALVINGS = 192;
    bytes32 public constant ATTEST_TYPEHASH =
        keccak256("Attest(address account,uint8 level,uint64 expiresAt,uint256 nonce,uint256 deadline)");
    bytes32 internal constant RATING_REASON = "rating";

    Settings internal _settings;
    HalfLifePeriod[HALF_LIFE_PERIOD_LIMIT] internal _periods;
    mapping(address module => bool) public isModule;
    mapping(address attester => bool) public isAttester;
    mapping(address token => Asset) internal _assets;
    mapping(address subject => mapping(Role role => Score)) internal _scores;
    /// @dev _pairKey(a, b) => deals recorded between a and b, in either direction.
    mapping(bytes32 pair => uint256) internal _pairDeals;
    mapping(address account => Attestation) internal _attestations;
    /// @notice The nonce `attester`'s next signed attestation of `account` must carry. attestBySig uses it once;
    /// revoke and voidOutstandingSignatures move it on, voiding every signature not yet submitted.
    mapping(address attester => mapping(address account => uint256)) public nonces;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    constructor(address owner_) Ownable(owner_) EIP712("CrowdLedger Reputation", "1") {
        _setIdentityWeights(DEFAULT_IDENTITY_LEVEL, DEFAULT_UNVERIFIED_WEIGHT_BPS);
        _setHalfLife(DEFAULT_HALF_LIFE);
    }

    /*//////////////////////////////////////////////////////////////
                                 SCORES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IReputation
    /// @dev Each side's points: base × V / 1e18 × (other side's identity weight) / 10,000 / (earlierDeals + 1),
    /// each division truncating toward zero, in that order. A side whose points come to 0 is not written. The
    /// pair counts one more deal whatever the value, so dust deals only make the pair's later deals cheaper.
    function recordDeal(Deal calldata deal) external {
        _onlyModule();
        if (deal.payee == address(0) || deal.payer == address(0)) revert ZeroAddress();
        if (deal.payee == deal.payer) revert SelfDeal(deal.payee);
        _checkBasePoints(deal.payeePoints);
        _checkBasePoints(deal.payerPoints);

        uint256 valueFactor = valueFactorOf(deal.token, deal.amount);
        bytes32 pair = _pairKey(deal.payee, deal.payer);
        uint256 earlierDeals = _pairDeals[pair];
        _pairDeals[pair] = earlierDeals + 1;
        uint256 payerWeightBps = identityWeightBps(deal.payer);
        uint256 payeeWeightBps = identityWeightBps(deal.payee);
        int256 payeeGain = _dealPoints(deal.payeePoints, valueFactor, payerWeightBps, earlierDeals);
        int256 payerGain = _dealPoints(deal.payerPoints, valueFactor, payeeWeightBps, earlierDeals);
        emit DealRecorded(
            deal.payee,
            deal.payer,
            msg.sender,
            deal.ref,
            deal.token,
            deal.amount,
            deal.payeePoints,
            deal.payerPoints,
            earlierDeals,
            valueFactor,
            payerWeightBps,
            payeeWeightBps
        );
        if (payeeGain != 0) _addPoints(deal.payee, deal.payeeRole, payeeGain, deal.reason, msg.sender, deal.ref);
        if (payerGain != 0) _addPoints(deal.payer, deal.payerRole, payerGain, deal.reason, msg.sender, deal.ref);
    }

    /// @inheritdoc IReputation
    /// @dev points = basePoints × (V(after) − V(before)) / 1e18, truncated toward zero; not written when 0.
    function recordValue(
        address subject,
        Role role,
        int256 basePoints,
        address token,
        uint256 valueBefore,
        uint256 valueAfter,
        bytes32 reason,
        uint256 ref
    ) external {
        _onlyModule();
        if (subject == address(0)) revert ZeroAddress();
        _checkBasePoints(basePoints);

        Asset memory asset = _assets[token];
        uint256 factorBefore = _valueFactor(asset, valueBefore);
        uint256 factorAfter = _valueFactor(asset, valueAfter);
        // |basePoints| < 2^127 and each factor < 2^125, so nothing here overflows.
        int256 points = (basePoints * (int256(factorAfter) - int256(factorBefore))) / int256(WAD);
        emit ValueRecorded(
            subject, role, msg.sender, ref, token, valueBefore, valueAfter, basePoints, factorBefore, factorAfter
        );
        if (points != 0) _addPoints(subject, role, points, reason, msg.sender, ref);
    }

    /*//////////////////////////////////////////////////////////////
                                RATINGS
    //////////////////////////////////////////////////////////////*/

    /// @notice Rate `subject` 1 to 5 stars for the relationship `ref` in module `source`. The module checks that
    /// you were `subject`'s counterparty there and may rate now, marks the rating given (once), and says in which
    /// role `subject` is rated and what your side settled. 3 stars is neutral; each star above or below moves the
    /// score by up to RATING_POINTS.
    /// @dev magnitude = RATING_POINTS × min(V, 1e18) / 1e18 × weightBps / 10,000 / max(1, pair deals), each
    /// division rounding down, in that order; points = (stars − 3) × magnitude. A rating worth 0 is still
    /// written (a 0-point ScoreChanged). The source is a registered module, trusted code: it is called before
    /// this function writes anything because its answer is needed, and it marks the rating given before it
    /// returns, so a second rating of the same relationship reverts in the source.
    function rate(address source, uint256 ref, address subject, uint8 stars) external {
        if (stars < MIN_STARS || stars > MAX_STARS) revert StarsOutOfRange(stars, MIN_STARS, MAX_STARS);
        if (subject == msg.sender) revert SelfRating();
        if (!isModule[source]) revert NotAModule(source);
        (Role role, address token, uint256 value) = IRatingSource(source).consumeRating(ref, msg.sender, subject);

        uint256 valueFactor = Math.min(valueFactorOf(token, value), WAD);
        uint256 weightBps = identityWeightBps(msg.sender);
        uint256 pairDeals = _pairDeals[_pairKey(msg.sender, subject)];
        uint256 magnitude =
            (((RATING_POINTS * valueFactor) / WAD) * weightBps) / BPS / (pairDeals > 1 ? pairDeals : 1);
        int256 points = (int256(uint256(stars)) - int256(uint256(NEUTRAL_STARS))) * int256(magnitude);
        emit Rated(msg.sender, subject, source, ref, stars, valueFactor, weightBps, pairDeals);
        _addPoints(subject, role, points, RATING_REASON, source, ref);
    }

    /*//////////////////////////////////////////////////////////////
                              ATTESTATIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice As a registered attester, vouch for `account`'s identity at `level` until `expiresAt`. Replaces
    /// any attestation `account` had, from whichever attester, and voids every signed attestation of `account`
    /// you gave out and nobody submitted yet: your latest word stands, so an older signature cannot undo a
    /// lower level or an earlier expiry.
    function attest(address account, uint8 level, uint64 expiresAt) external {
        if (!isAttester[msg.sender]) revert NotAnAttester(msg.sender);
        _attest(account, level, expiresAt, msg.sender);
        uint256 nextNonce = ++nonces[msg.sender][account];
        emit SignaturesVoided(msg.sender, account, nextNonce);
    }

    /// @notice Submit `attester`'s EIP-712 signed attestation (anyone may; the attester need not pay gas).
    /// Works for contract attesters too (ERC-1271). The signature carries the attester's current nonce for this
    /// account, so it can be used once, and not after the attester revoked or voided.
    /// @dev The signature is in memory for SignatureChecker.isValidSignatureNow: the calldata variant is missing
    /// from OpenZeppelin 5.1.0, which the pre-Cancun build compiles against (about 200 gas more; docs/DEPLOY.md).
    function attestBySig(
        address account,
        uint8 level,
        uint64 expiresAt,
        address attester,
        uint256 deadline,
        bytes memory signature
    ) external {
        if (block.timestamp > deadline) revert SignatureExpired(deadline, block.timestamp);
        if (!isAttester[attester]) revert NotAnAttester(attester);
        uint256 nonce = nonces[attester][account]++;
        bytes32 structHash = keccak256(abi.encode(ATTEST_TYPEHASH, account, level, expiresAt, nonce, deadline));
        if (!SignatureChecker.isValidSignatureNow(attester, _hashTypedDataV4(structHash), signature)) {
            revert InvalidSignature(attester);
        }
        _attest(account, level, expiresAt, attester);
    }

    /// @notice Withdraw the attestation you issued for `account`, and void every signed attestation of `account`
    /// you gave out and nobody submitted yet. Works even after you were deregistered.
    function revoke(address account) external {
        address attester = _attestations[account].attester;
        if (attester == address(0)) revert NoAttestation(account);
        if (attester != msg.sender) revert NotTheAttester(msg.sender, attester);
        delete _attestations[account];
        uint256 nextNonce = ++nonces[msg.sender][account];
        emit AttestationRevoked(account, attester, nextNonce);
    }

    /// @notice Void every signed attestation of `account` you gave out and nobody submitted yet, when there is
    /// no attestation of yours to revoke (for instance after another attester's replaced it).
    function voidOutstandingSignatures(address account) external {
        uint256 nextNonce = ++nonces[msg.sender][account];
        emit SignaturesVoided(msg.sender, account, nextNonce);
    }

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @notice Allow or stop `module` recording scores and being a rating source.
    function setModule(address module, bool registered) external onlyOwner {
        if (module == address(0)) revert ZeroAddress();
        isModule[module] = registered;
        emit ModuleSet(module, registered);
    }

    /// @notice Allow or stop `attester` attesting. Deregistering also voids every attestation it issued
    /// (isVerified checks the attester is still registered); registering it again revives them.
    function setAttester(address attester, bool registered) external onlyOwner {
        if (attester == address(0)) revert ZeroAddress();
        isAttester[attester] = registered;
        emit AttesterSet(attester, registered);
    }

    /// @notice Register `token` (address(0): ETH) as an asset that earns reputation: `unit` is the amount worth a
    /// value factor of 1, `minimum` the least amount worth anything. unit 0 unregisters it. Applies to what is
    /// settled from now on.
    function setAsset(address token, uint128 unit, uint128 minimum) external onlyOwner {
        _assets[token] = Asset(unit, minimum);
        emit AssetSet(token, unit, minimum);
    }

    /// @notice What a verified identity is (an attestation of at least `identityLevel`) and what an account
    /// without one weighs in deals, ratings and votes (`unverifiedWeightBps`, at most 10,000; verified: 10,000).
    function setIdentityWeights(uint8 identityLevel, uint16 unverifiedWeightBps) external onlyOwner {
        _setIdentityWeights(identityLevel, unverifiedWeightBps);
    }

    /// @notice Set the half-life in seconds (0: no fading) from this block on. Time before keeps the half-life
    /// that was in force then. At most HALF_LIFE_PERIOD_LIMIT periods, the constructor's included.
    function setHalfLife(uint32 newHalfLife) external onlyOwner {
        _setHalfLife(newHalfLife);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IReputation
    function scoreOf(address subject, Role role) external view returns (int256) {
        Score memory s = _scores[subject][role];
        return _faded(s.value, s.updatedAt);
    }

    /// @notice The raw stored score, before fading since `updatedAt` (for auditors replaying the log).
    function score(address subject, Role role) external view returns (int256 value, uint64 updatedAt) {
        Score memory s = _scores[subject][role];
        return (s.value, s.updatedAt);
    }

    /// @inheritdoc IReputation
    function isVerified(address account, uint8 minLevel) public view returns (bool) {
        Attestation memory a = _attestations[account];
        return a.attester != address(0) && a.level >= minLevel && block.timestamp < a.expiresAt
            && isAttester[a.attester];
    }

    /// @inheritdoc IReputation
    function identityWeightBps(address account) public view returns (uint256) {
        Settings memory s = _settings;
        return isVerified(account, s.identityLevel) ? BPS : s.unverifiedWeightBps;
    }

    /// @notice The value factor V(token, amount) in WAD: 0 for an unregistered asset or an amount below its
    /// minimum, else sqrt(amount × 1e36 / unit) rounded down (1e18 at one unit). Amounts above 2^128 − 1 are
    /// priced as 2^128 − 1.
    function valueFactorOf(address token, uint256 amount) public view returns (uint256) {
        return _valueFactor(_assets[token], amount);
    }

    /// @notice `token`'s registration (unit 0: not registered).
    function assets(address token) external view returns (Asset memory) {
        return _assets[token];
    }

    /// @notice The deals recorded between `a` and `b`, in either direction.
    function dealsBetween(address a, address b) external view returns (uint256) {
        return _pairDeals[_pairKey(a, b)];
    }

    /// @notice The half-life in force now, in seconds.
    function halfLife() external view returns (uint32) {
        return _settings.halfLife;
    }

    /// @notice Every half-life period so far, oldest first; the last is in force now.
    function halfLifeSchedule() external view returns (HalfLifePeriod[] memory periods) {
        periods = new HalfLifePeriod[](_settings.periodCount);
        for (uint256 i; i < periods.length; ++i) {
            periods[i] = _periods[i];
        }
    }

    /// @notice The attestation level an identity must hold to count as verified in identityWeightBps.
    function identityLevel() external view returns (uint8) {
        return _settings.identityLevel;
    }

    /// @notice What an account without a verified identity weighs, in basis points.
    function unverifiedWeightBps() external view returns (uint16) {
        return _settings.unverifiedWeightBps;
    }

    /// @notice `account`'s attestation (attester address(0) when there is none), whether or not still valid.
    function attestationOf(address account) external view returns (Attestation memory) {
        return _attestations[account];
    }

    /// @notice `value` faded over `elapsed` seconds: halved once per whole half-life, then reduced linearly
    /// by up to a half between halvings. 0 half-life: no fading.
    /// @dev Works on the magnitude and keeps the sign, so every step truncates toward zero, exactly as
    /// crowdledger.reputation.fade does. m <= 2^191 and r < 2^32, so m * r cannot overflow.
    function fade(int192 value, uint256 elapsed, uint32 halfLife_) public pure returns (int256) {
        if (halfLife_ == 0 || elapsed == 0 || value == 0) return value;
        uint256 m = value < 0 ? uint256(-int256(value)) : uint256(int256(value));
        uint256 n = elapsed / halfLife_;
        if (n >= FULL_FADE_HALVINGS) return 0;
        m >>= n;
        m -= (m * (elapsed % halfLife_)) / (2 * uint256(halfLife_));
        return value < 0 ? -int256(m) : int256(m);
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev Fade the stored value to now, add `points`, store with the new time, emit.
    function _addPoints(address subject, Role role, int256 points, bytes32 reason, address module, uint256 ref)
        internal
    {
        Score storage s = _scores[subject][role];
        int256 newScore = _faded(s.value, s.updatedAt) + points;
        if (newScore > type(int192).max || newScore < type(int192).min) revert ScoreOutOfRange(newScore);
        s.value = int192(newScore);
        s.updatedAt = uint64(block.timestamp);
        emit ScoreChanged(subject, role, points, newScore, reason, module, ref);
    }

    /// @dev `value`, stored at `updatedAt`, faded to now: within the period in force when it was stored, then
    /// across each later period with that period's half-life (each step truncating, as `fade` does). A score
    /// stored in the current period needs only the settings slot.
    function _faded(int192 value, uint64 updatedAt) internal view returns (int256) {
        if (value == 0) return 0;
        Settings memory s = _settings;
        if (updatedAt >= s.halfLifeSince) return fade(value, block.timestamp - updatedAt, s.halfLife);
        uint256 count = s.periodCount;
        uint256 i = count - 1;
        // The first period starts at deployment, before any write, so this stops at the latest i >= 0.
        while (i > 0 && _periods[i].since > updatedAt) --i;
        int256 faded = value;
        uint256 from = updatedAt;
        for (; i < count; ++i) {
            uint256 until = i + 1 < count ? _periods[i + 1].since : block.timestamp;
            faded = fade(int192(faded), until - from, _periods[i].halfLife); // |faded| <= |value|: no overflow
            from = until;
        }
        return faded;
    }

    /// @dev base × V / 1e18 × weightBps / 10,000 / (earlierDeals + 1), truncating toward zero at each step.
    /// |base| < 2^127 and V < 2^125, so the product fits in int256.
    function _dealPoints(int256 base, uint256 valueFactor, uint256 weightBps, uint256 earlierDeals)
        internal
        pure
        returns (int256 points)
    {
        if (base == 0 || valueFactor == 0) return 0;
        points = (base * int256(valueFactor)) / int256(WAD);
        points = (points * int256(weightBps)) / int256(BPS);
        points /= int256(earlierDeals + 1);
    }

    /// @dev amount ≤ 2^128 − 1, so amount × 1e36 < 2^248 does not overflow, and the square root is below 2^124.
    function _valueFactor(Asset memory asset, uint256 amount) internal pure returns (uint256) {
        if (asset.unit == 0 || amount < asset.minimum) return 0;
        if (amount > type(uint128).max) amount = type(uint128).max;
        return Math.sqrt((amount * 1e36) / asset.unit);
    }

    function _onlyModule() internal view {
        if (!isModule[msg.sender]) revert NotAModule(msg.sender);
    }

    function _checkBasePoints(int256 points) internal pure {
        if (points > MAX_BASE_POINTS || points < -MAX_BASE_POINTS) revert PointsOutOfRange(points, MAX_BASE_POINTS);
    }

    function _attest(address account, uint8 level, uint64 expiresAt, address attester) internal {
        if (account == address(0)) revert ZeroAddress();
        if (level == 0) revert LevelIsZero();
        if (expiresAt <= block.timestamp) revert ExpiryNotInFuture(expiresAt, block.timestamp);
        _attestations[account] = Attestation(attester, level, expiresAt);
        emit Attested(account, attester, level, expiresAt);
    }

    function _setHalfLife(uint32 newHalfLife) internal {
        Settings memory s = _settings;
        if (s.periodCount == HALF_LIFE_PERIOD_LIMIT) revert HalfLifeHistoryFull(HALF_LIFE_PERIOD_LIMIT);
        _periods[s.periodCount] = HalfLifePeriod(uint64(block.timestamp), newHalfLife);
        emit HalfLifeChanged(s.halfLife, newHalfLife);
        s.halfLife = newHalfLife;
        s.halfLifeSince = uint64(block.timestamp);
        s.periodCount += 1;
        _settings = s;
    }

    function _setIdentityWeights(uint8 identityLevel_, uint16 unverifiedWeightBps_) internal {
        if (identityLevel_ == 0) revert LevelIsZero();
        if (unverifiedWeightBps_ > BPS) revert WeightAboveFull(unverifiedWeightBps_, BPS);
        _settings.identityLevel = identityLevel_;
        _settings.unverifiedWeightBps = unverifiedWeightBps_;
        emit IdentityWeightsSet(identityLevel_, unverifiedWeightBps_);
    }

    /// @dev The same key for (a, b) and (b, a).
    function _pairKey(address a, address b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }
}
