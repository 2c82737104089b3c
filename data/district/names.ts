// Clearly fictional place and person names, composed from syllables; no real place is named.
import type { Random } from './random.ts'

const placeFirst = [
  '青',
  '云',
  '杏',
  '柳',
  '桐',
  '枫',
  '兰',
  '梅',
  '竹',
  '松',
  '荷',
  '栖',
  '溪',
  '泉',
  '石',
  '金',
  '玉',
  '银',
  '丰',
  '安',
  '宁',
  '和',
  '祥',
  '瑞',
  '文',
  '明',
  '新',
  '兴',
  '康',
  '乐',
  '望',
  '庆',
  '春',
  '秋',
  '晨',
  '晓',
  '碧',
  '翠',
  '紫',
  '棠',
]
const placeSecond = [
  '禾',
  '溪',
  '林',
  '湾',
  '园',
  '苑',
  '桥',
  '湖',
  '岭',
  '坪',
  '岗',
  '塘',
  '川',
  '源',
  '浦',
  '洲',
  '庄',
  '台',
  '坊',
  '里',
  '亭',
  '埠',
  '渡',
  '港',
  '泽',
  '堤',
  '冈',
  '畈',
  '垄',
  '屯',
]
const surnames = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '赵',
  '黄',
  '周',
  '吴',
  '徐',
  '孙',
  '胡',
  '朱',
  '高',
  '林',
  '何',
  '郭',
  '马',
  '罗',
]
const givenNames = [
  '建国',
  '淑芬',
  '志强',
  '秀英',
  '海燕',
  '晓明',
  '丽华',
  '德胜',
  '春梅',
  '国庆',
  '红霞',
  '永明',
  '桂兰',
  '文静',
  '俊杰',
  '雪梅',
  '立新',
  '玉兰',
  '子涵',
  '思远',
]
const businessWords = [
  '恒达',
  '鑫源',
  '华联',
  '锦程',
  '宏图',
  '盛世',
  '润泽',
  '佳禾',
  '远航',
  '博雅',
  '启明',
  '众诚',
  '天和',
  '信达',
  '瑞丰',
  '嘉禾',
  '卓越',
  '同心',
]

/** A two-character place stem not used before (the caller adds 街道/镇/社区/村). */
export function createPlaceNamer(random: Random): () => string {
  const used = new Set<string>()
  return () => {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const name = random.pick(placeFirst) + random.pick(placeSecond)
      if (!used.has(name)) {
        used.add(name)
        return name
      }
    }
    // more places than stems: number them
    const name = `${random.pick(placeFirst)}${random.pick(placeSecond)}${used.size}`
    used.add(name)
    return name
  }
}

export const personName = (random: Random) => random.pick(surnames) + random.pick(givenNames)
export const businessName = (random: Random) => random.pick(businessWords) + random.pick(businessWords)
